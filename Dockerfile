FROM python:3.11-slim

# pg_dump for `baton backup` against PostgreSQL; it must be the server's major version or newer.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

# Chart fonts come from the mplfonts wheel (Noto Sans CJK SC), not from the image.
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY domain ./domain
COPY storage ./storage
RUN pip install --no-cache-dir '.[postgres]'

# The bot never needs root: it only writes its database and a heartbeat.
RUN useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin baton \
    && mkdir -p /data \
    && chown baton:baton /data

# Mount config.toml at /app/config.toml (or set BATON_CONFIG) and pass BATON_TOKEN.
# BATON_DATABASE_URL overrides [database] url: the SQLite file lives on the /data volume unless you
# pass -e BATON_DATABASE_URL=postgresql+psycopg://… (or an empty value to use the file's url).
ENV BATON_CONFIG=/app/config.toml \
    BATON_DATABASE_URL=sqlite:////data/baton.db \
    BATON_HEARTBEAT=/tmp/baton.heartbeat \
    MPLCONFIGDIR=/tmp/matplotlib
VOLUME ["/data"]
USER baton
# Webhook mode: set [bot] listen = "0.0.0.0" and port = 8443, and publish the port to the proxy only.
EXPOSE 8443

HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 CMD ["baton", "health"]
CMD ["baton", "run"]
