# One image for every Alur worker; compose.yaml picks the worker with `alur serve NAME`.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY alur ./alur
COPY runtime ./runtime
COPY audit ./audit
COPY skm ./skm
COPY cases ./cases
COPY events ./events
COPY office ./office
COPY officers ./officers
COPY sop ./sop
COPY services ./services
RUN pip install --no-cache-dir .
ENV ALUR_HTTP_HOST=0.0.0.0 ALUR_LOG_FORMAT=json
USER nobody
ENTRYPOINT ["alur"]
