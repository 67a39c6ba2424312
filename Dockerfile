# syntax=docker/dockerfile:1
# The canxie image the Helm chart (helm/canxie) runs: web (gunicorn), Celery worker and beat,
# and the provisioning Job all use it, each with its own command.
#
#   docker build -t registry.example.org/city/canxie:0.1.0 .
#
# Stage 1 builds wheels of canxie and of every dependency; stage 2 installs those wheels
# only (no index, no compilers) and runs as the unprivileged user 10001.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# Compilers for any dependency that ships no wheel for this platform; this stage is discarded.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# .dockerignore lets only pyproject.toml, README.md and the four packages through.
COPY . .
RUN pip wheel --wheel-dir /wheels .

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="canxie" \
      org.opencontainers.image.description="Event-sourced records of disabled persons' associations, one store per district"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CANXIE_LOG_FORMAT=json
RUN groupadd --system --gid 10001 canxie \
    && useradd --system --uid 10001 --gid 10001 --home-dir /home/canxie --create-home \
       --shell /usr/sbin/nologin canxie
# Install from the wheels of stage 1 only; the bind mount keeps them out of the image layers.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels canxie \
    && pip check
USER 10001:10001
WORKDIR /home/canxie
EXPOSE 8000
# The chart sets the command of every container; this default serves the API.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", \
     "--graceful-timeout", "30", "service.wsgi:app"]
