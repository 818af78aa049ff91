"""tracuu's HTTP service (installed as `tracuu_api`): a FastAPI app factory over the Index facade."""
