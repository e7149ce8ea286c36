# The hub image with the course package, so the live room runs as a hub-managed service
# (python3 -m course.room.hub) inside the hub pod. Build from the repository root:
#   docker build -f deploy/hub.Dockerfile -t IMAGE:TAG .
FROM quay.io/jupyterhub/k8s-hub:4.4.0

USER root
COPY requirements.lock pyproject.toml README.md /tmp/course/
COPY course /tmp/course/course
COPY datasets /tmp/course/datasets
# The course's runtime dependencies (room: fastapi, uvicorn, sqlalchemy, psycopg), keeping the
# image's own JupyterHub (5.5.0), which the room imports for its hub login.
RUN pip install --no-cache-dir /tmp/course && rm -rf /tmp/course
USER ${NB_USER:-jovyan}
