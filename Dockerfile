FROM python:3.11-slim

# Chart fonts come from the mplfonts wheel (Noto Sans CJK SC), not from the image.
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY storage ./storage
RUN pip install --no-cache-dir '.[postgres]'

# Mount config.toml at /app/config.toml (or set BATON_CONFIG) and pass BATON_TOKEN.
ENV BATON_CONFIG=/app/config.toml
VOLUME ["/data"]
CMD ["baton", "run"]
