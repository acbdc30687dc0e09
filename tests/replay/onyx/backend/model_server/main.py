import logging
import os
import shutil
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

import torch
import uvicorn
from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration
from transformers import logging as transformer_logging

from model_server.ca_certs import configure_trusted_ca_bundle
from model_server.encoders import router as encoders_router
from model_server.management_endpoints import router as management_router
from model_server.utils import get_cgroup_cpu_limit, get_gpu_type
from onyx import __version__
from onyx.utils.logger import setup_logger, setup_uvicorn_logger
from onyx.utils.middleware import (
    add_onyx_request_id_middleware,
    add_onyx_tenant_id_middleware,
)
from shared_configs.configs import (
    INDEXING_ONLY,
    MIN_THREADS_ML_MODELS,
    MODEL_SERVER_PORT,
    SENTRY_DSN,
    SENTRY_TRACES_SAMPLE_RATE,
)

os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

HF_CACHE_PATH = Path(".cache/huggingface")
TEMP_HF_CACHE_PATH = Path(".cache/temp_huggingface")

transformer_logging.set_verbosity_error()

logger = setup_logger()

file_handlers = [
    h for h in logger.logger.handlers if isinstance(h, logging.FileHandler)
]

setup_uvicorn_logger(shared_file_handlers=file_handlers)


def _move_files_recursively(source: Path, dest: Path, overwrite: bool = False) -> None:
    """
    This moves the files from the temp huggingface cache to the huggingface cache

    We have to move each file individually because the directories might
    have the same name but not the same contents and we dont want to remove
    the files in the existing huggingface cache that don't exist in the temp
    huggingface cache.
    """

    for item in source.iterdir():
        target_path = dest / item.relative_to(source)
        if item.is_dir():
            _move_files_recursively(item, target_path, overwrite)
        else:
            target_path.parent.mkdir(parents=True, exist_ok=True)
            if target_path.exists() and not overwrite:
                continue
            shutil.move(str(item), str(target_path))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncGenerator:
    gpu_type = get_gpu_type()
    logger.notice("Torch GPU Detection: gpu_type=%s", gpu_type)

    app.state.gpu_type = gpu_type

    try:
        if TEMP_HF_CACHE_PATH.is_dir():
            logger.notice("Moving contents of temp_huggingface to huggingface cache.")
            _move_files_recursively(TEMP_HF_CACHE_PATH, HF_CACHE_PATH)
            shutil.rmtree(TEMP_HF_CACHE_PATH, ignore_errors=True)
            logger.notice("Moved contents of temp_huggingface to huggingface cache.")
    except Exception as e:
        logger.warning(
            "Error moving contents of temp_huggingface to huggingface cache: %s. This is not a critical error and the model server will continue to run.",
            e,
        )

    # torch sizes its intra-op thread pool from the host core count, ignoring the
    # container's cgroup CPU quota. On a large node this oversubscribes threads against
    # a small quota, causing thread thrash and CFS throttling. Cap to the quota (while
    # keeping the historical MIN_THREADS_ML_MODELS floor).
    torch_default_threads = torch.get_num_threads()
    cpu_limit = get_cgroup_cpu_limit()
    num_threads = (
        torch_default_threads
        if cpu_limit is None
        else min(torch_default_threads, cpu_limit)
    )
    torch.set_num_threads(max(MIN_THREADS_ML_MODELS, num_threads))
    logger.notice(
        "Torch Threads: %s (torch default: %s, cgroup cpu limit: %s)",
        torch.get_num_threads(),
        torch_default_threads,
        cpu_limit,
    )

    yield


def get_model_app() -> FastAPI:
    # Point the TLS trust store at any operator-supplied CA roots before the app
    # (or Sentry, or the first outbound request) is created. Runs on every startup
    # path since `app = get_model_app()` executes on import.
    configure_trusted_ca_bundle()

    application = FastAPI(
        title="Onyx Model Server", version=__version__, lifespan=lifespan
    )
    if SENTRY_DSN:
        from onyx.configs.sentry import init_sentry

        init_sentry(
            traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
            integrations=[StarletteIntegration(), FastApiIntegration()],
        )
    else:
        logger.debug("Sentry DSN not provided, skipping Sentry initialization")

    application.include_router(management_router)
    application.include_router(encoders_router)

    request_id_prefix = "INF"
    if INDEXING_ONLY:
        request_id_prefix = "IDX"

    add_onyx_tenant_id_middleware(application, logger)
    add_onyx_request_id_middleware(application, request_id_prefix, logger)

    # Initialize and instrument the app
    Instrumentator().instrument(application).expose(application)

    return application


app = get_model_app()


def run_server() -> None:
    # Bind all interfaces (loopback included) so the container healthcheck's
    # localhost probe reaches the server. Mirrors the old shell command's
    # `--host 0.0.0.0`; MODEL_SERVER_HOST is a client-side address and must not
    # drive the bind host.
    host = "0.0.0.0"  # noqa: S104
    logger.notice(
        "Starting Onyx Model Server on http://%s:%s/",
        host,
        str(MODEL_SERVER_PORT),
    )
    logger.notice("Model Server Version: %s", __version__)
    uvicorn.run(app, host=host, port=MODEL_SERVER_PORT)


if __name__ == "__main__":
    run_server()
