FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
COPY queries ./queries
COPY visual ./visual
RUN pip install --no-cache-dir . && useradd --create-home graphsvc
USER graphsvc
EXPOSE 8000
CMD ["graphsvc", "serve", "--host", "0.0.0.0", "--port", "8000"]
