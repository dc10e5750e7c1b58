"""The one declarative base: register tables and web tables (users, audit log, scenarios, rota jobs) share it,
so a single Alembic environment migrates them all."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
