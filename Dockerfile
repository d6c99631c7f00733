# syntax=docker/dockerfile:1
# The joinedup web app and pipeline in one image, for councils that deploy with containers.
# docs/operations.md explains how to run it (compose.yaml: the app and PostgreSQL).
#
#   docker build -t joinedup .
#   docker compose up -d                       # the app on 127.0.0.1:8000, behind your proxy
#   docker compose run --rm app ingest /srv/extracts/sources.yaml
#
# Python and Debian match what CI tests (Python 3.11, Debian bookworm); the Python packages
# are the exact versions pinned in pyproject.toml, GOV.UK Frontend the one package-lock.json pins.

ARG PYTHON_IMAGE=python:3.11.7-slim-bookworm
ARG NODE_IMAGE=node:20.18.1-bookworm-slim

# --- GOV.UK Frontend from npm, exactly as package-lock.json pins it ------------------------
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error

# --- the Python package, with the assets copied into its static files ----------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
COPY --from=assets /src/node_modules ./node_modules
# build_assets needs only the standard library: run it before installing, so the copied
# files are package data of the wheel.
RUN PYTHONPATH=src python -c "from joinedup.web.assets import build_assets; build_assets()" \
    && python -m venv /opt/joinedup \
    && /opt/joinedup/bin/pip install ".[postgres]"

# --- what runs: no compilers, no npm, not root ----------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/joinedup/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JOINEDUP_HOME=/srv/joinedup
RUN groupadd --system --gid 10001 joinedup \
    && useradd --system --uid 10001 --gid joinedup --home-dir /srv/joinedup \
       --shell /usr/sbin/nologin joinedup \
    && mkdir -p /srv/joinedup \
    && chown joinedup:joinedup /srv/joinedup \
    && chmod 0750 /srv/joinedup
COPY --from=build /opt/joinedup /opt/joinedup
# Snapshots, reports, the secret key (when not given) and static files live here.
VOLUME ["/srv/joinedup"]
WORKDIR /srv/joinedup
# Numeric, so a runtime that insists on non-root (Kubernetes runAsNonRoot) can check it.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["joinedup"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4", "--threads", "4"]
