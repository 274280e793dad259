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
COPY privacy ./privacy
COPY attachments ./attachments
RUN pip install --no-cache-dir .
ENV ALUR_HTTP_HOST=0.0.0.0 ALUR_LOG_FORMAT=json
# The attachments volume (compose.yaml) takes this directory's owner when first mounted.
RUN mkdir -p /var/lib/alur/attachments && chown nobody /var/lib/alur/attachments
USER nobody
ENTRYPOINT ["alur"]
