# The image of the web (Daphne) and worker processes of the scale-out stack.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=maillage.settings.production \
    MAILLAGE_VAR_DIR=/var/lib/maillage

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build-only-key-used-to-collect-static-files-never-at-run-time-000 \
    python manage.py collectstatic --noinput \
 && useradd --system --home /app maillage \
 && mkdir -p /var/lib/maillage/media && chown -R maillage /var/lib/maillage
USER maillage
EXPOSE 8000
# No --proxy-headers: Daphne would take the client's address from the left-most X-Forwarded-For
# entry, which the client writes. The settings read the entry the proxy added
# (TRUSTED_PROXY_COUNT, maillage/net.py) and the scheme from X-Forwarded-Proto.
CMD ["daphne", "-v", "0", "-b", "0.0.0.0", "-p", "8000", "maillage.asgi:application"]
