"""The WSGI entry point gunicorn serves (`web.wsgi:app`)."""
from web import create_app

app = create_app()
