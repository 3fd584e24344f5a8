-- Run once by the postgres container on first start (docker-compose.yml).
CREATE EXTENSION IF NOT EXISTS vector;
CREATE DATABASE registry OWNER parley;
