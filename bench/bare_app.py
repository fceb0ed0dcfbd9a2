"""The yardstick: a bare Flask endpoint, served the same way as Pathways in the same run."""
from flask import Flask

app = Flask(__name__)
PAGE = "<!DOCTYPE html><html lang='en'><head><title>bare</title></head><body><p>ok</p></body></html>"


@app.get("/bare")
def bare():
    return PAGE
