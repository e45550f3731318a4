"""The smallest flaskfast application: ``make run`` serves it on port 5000."""

from __future__ import annotations

from flaskfast import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "Hello from flaskfast!"


@app.route("/hello/<name>")
def hello_name(name: str) -> dict[str, str]:
    return {"hello": name}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
