FROM python:3.11-slim

# Noto CJK so the charts show Chinese names instead of tofu boxes.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

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
