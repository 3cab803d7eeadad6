#!/usr/bin/python3
"""End-to-end check of the demo chat's sign-in with Debian's python3-socketio (see demo-signin-client.js).

    /usr/bin/python3 python_demo_signin.py <baseUrl> <handshake|connect> [timeoutSeconds]

handshake: the token in the HTTP requests (`headers=` Authorization); none: the handshake is refused (401).
connect: the token in the CONNECT packet (`auth=`); none: the chat refuses the connection ("Sign in first").
Either way the chat's welcome names the token's user. Exits 0 only when every check passes; otherwise prints
"FAIL ..." with the reason.
"""
import json
import sys
import threading
import urllib.error
import urllib.request

if len(sys.argv) < 3 or sys.argv[2] not in ('handshake', 'connect'):
    print('usage: /usr/bin/python3 python_demo_signin.py <baseUrl> <handshake|connect> [timeoutSeconds]', file=sys.stderr)
    sys.exit(2)

import socketio  # noqa: E402  (after the usage check)

BASE_URL = sys.argv[1].rstrip('/')
MODE = sys.argv[2]
TIMEOUT = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0


def fail(message):
    print('FAIL %s' % message)
    sys.exit(1)


def login(name):
    request = urllib.request.Request(BASE_URL + '/login', data=json.dumps({'name': name}).encode(),
                                     headers={'Content-Type': 'application/json'}, method='POST')
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read())['token']


def attempt(what, **options):
    """Connects to /chat; returns (client, welcome text) or (None, the refusal's text)."""
    client = socketio.Client(reconnection=False)
    welcome = threading.Event()
    refusal = {}
    texts = []

    @client.on('message', namespace='/chat')
    def on_message(text):
        texts.append(text)
        welcome.set()

    @client.on('connect_error', namespace='/chat')
    def on_connect_error(data):
        refusal['data'] = data
        welcome.set()

    try:
        # Not waiting for the namespace: a refused one would be waited for until the timeout. The welcome or the
        # connect_error ends the wait below.
        client.connect(BASE_URL, namespaces=['/chat'], wait=False, **options)
    except socketio.exceptions.ConnectionError as exc:
        client.disconnect()
        return None, '%s %s' % (exc, refusal.get('data'))
    if not welcome.wait(TIMEOUT):
        fail('%s: no welcome within %s s' % (what, TIMEOUT))
    if 'data' in refusal:
        client.disconnect()
        return None, str(refusal['data'])
    return client, texts[0]


def expect_user(what, name, **options):
    client, text = attempt(what, **options)
    if client is None:
        fail('%s: refused: %s' % (what, text))
    if not text.startswith('Welcome, %s!' % name):
        fail('%s: expected the welcome of %s, got %r' % (what, name, text))
    client.disconnect()
    print('ok   %s: %r' % (what, text))


def expect_refused(what, expected, **options):
    client, text = attempt(what, **options)
    if client is not None:
        client.disconnect()
        fail('%s: connected, expected a refusal' % what)
    if expected not in text:
        fail('%s: expected %r in the refusal, got %r' % (what, expected, text))
    print('ok   %s: refused (%s)' % (what, text))


token = login('carol')
if MODE == 'handshake':
    expect_refused('no token', '401')
    expect_refused('token in auth only', '401', auth={'token': token})
    expect_user('headers Authorization, polling upgraded', 'carol', headers={'Authorization': 'Bearer ' + token})
    expect_user('headers Authorization, websocket', 'carol', headers={'Authorization': 'Bearer ' + token},
                transports=['websocket'])
else:
    expect_refused('no token', 'Sign in first', auth={})
    expect_refused('a forged token', 'Invalid token', auth={'token': token[:-2] + 'xx'})
    expect_user('auth token, polling upgraded', 'carol', auth={'token': token})
    expect_user('auth token, websocket', 'carol', auth={'token': token}, transports=['websocket'])
print('PASS python_demo_signin %s' % MODE)
