"""gunicorn settings for the portal (the Procfile's web line and the container use this file).

Environment: KEPU_BIND (default 127.0.0.1:8000; the container sets 0.0.0.0:8000), WEB_CONCURRENCY
(workers, default 3), GUNICORN_TIMEOUT (s, default 60), FORWARDED_ALLOW_IPS (proxies whose
X-Forwarded-Proto is trusted, default 127.0.0.1). In production mode (KEPU_ENV=production) gunicorn's
own error and access logs are JSON lines like the portal's.
"""

import os

bind = os.environ.get("KEPU_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# gunicorn ≥ 23's control socket ($HOME/.gunicorn/gunicorn.ctl) is shared by every gunicorn of a user:
# off unless asked for (GUNICORN_CONTROL_SOCKET=/path/gunicorn.ctl).
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

if os.environ.get("KEPU_ENV") == "production":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            },
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
            "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
        "root": {"handlers": ["console"], "level": "INFO"},
    }
