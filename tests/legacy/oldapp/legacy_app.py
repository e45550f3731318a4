# An application written against the Flask 0.12 API, kept unmodified: the
# test imports it after flaskfast.install_as_flask() (see test_old_app.py).
import datetime
import io
import uuid

from flask import Flask, jsonify, request, session, send_file, escape, Markup
from flask import _app_ctx_stack, render_template_string, safe_join
from flask.json import JSONEncoder


class CustomJSONEncoder(JSONEncoder):
    def default(self, obj):
        if isinstance(obj, datetime.date):
            return obj.isoformat()
        return JSONEncoder.default(self, obj)


app = Flask(__name__, static_path="/assets")
app.json_encoder = CustomJSONEncoder
app.config["JSON_SORT_KEYS"] = False
app.config["SECRET_KEY"] = "legacy secret"
app.session_cookie_name = "oldsession"

STATE = {"setup": 0}


@app.before_first_request
def setup():
    STATE["setup"] += 1


def get_db():
    top = _app_ctx_stack.top
    if not hasattr(top, "database"):
        top.database = {"opened": True}
    return top.database


@app.route("/")
def index():
    session["visits"] = session.get("visits", 0) + 1
    return render_template_string(
        "<p>{{ greeting }}</p>", greeting=Markup("<b>hi</b> ") + escape("<you>")
    )


@app.route("/data")
def data():
    return jsonify(
        zebra=1,
        apple=datetime.date(2017, 1, 2),
        db=get_db()["opened"],
        setup=STATE["setup"],
        xhr=request.is_xhr,
        id=uuid.UUID(int=1),
    )


@app.route("/download")
def download():
    return send_file(
        io.BytesIO(b"report"),
        mimetype="text/plain",
        as_attachment=True,
        attachment_filename="report.txt",
        cache_timeout=60,
    )


@app.route("/path/<name>")
def path(name):
    return safe_join("/srv/files", name)
