#!/usr/bin/python3
"""End-to-end check of a server with Debian's python3-socketio client (EIO4).

    /usr/bin/python3 python_client.py <polling|websocket|upgrade> <baseUrl> [timeoutSeconds]

Same scenario as client.js: connect to "/", receive "auth", "message" ->
"message-back", "message-with-ack" with binary arguments, "/" and "/custom" on one
connection, refused and accepted "/private". Exits 0 only when every check
passes; otherwise prints "FAIL ..." with the reason.
"""
import sys
import threading

USAGE = ('usage: /usr/bin/python3 python_client.py <polling|websocket|upgrade> '
         '<baseUrl> [timeoutSeconds]')

if len(sys.argv) < 3 or sys.argv[1] not in ('polling', 'websocket', 'upgrade'):
    print(USAGE, file=sys.stderr)
    sys.exit(2)

try:
    import requests
    import socketio
except ImportError as exc:  # pragma: no cover - environment problem
    print('FAIL python client: cannot import python3-socketio / python3-requests '
          '(%s); install the Debian packages python3-socketio python3-websocket '
          'python3-requests (./test.sh does)' % exc, file=sys.stderr)
    sys.exit(1)

MODE = sys.argv[1]
BASE_URL = sys.argv[2].rstrip('/')
TOTAL_TIMEOUT = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
STEP_TIMEOUT = min(10.0, TOTAL_TIMEOUT)
TRANSPORTS = {'polling': ['polling'], 'websocket': ['websocket'],
              'upgrade': ['polling', 'websocket']}[MODE]
LABEL = 'python-socketio %s %s' % (getattr(socketio, '__version__', ''), MODE)
try:
    from importlib.metadata import version as _dist_version
    LABEL = 'python-socketio %s %s' % (_dist_version('python-socketio'), MODE)
except Exception:  # pragma: no cover - metadata missing
    pass

# ---- record every HTTP request (polling) and websocket connection the client makes ----
REQUESTS = []
_original_request = requests.Session.request


def _recording_request(self, method, url, *args, **kwargs):
    REQUESTS.append(('http', method, url))
    return _original_request(self, method, url, *args, **kwargs)


requests.Session.request = _recording_request

import websocket  # noqa: E402  (python3-websocket, used by engineio for websockets)

_original_create_connection = websocket.create_connection


def _recording_create_connection(url, *args, **kwargs):
    REQUESTS.append(('websocket', 'GET', url))
    return _original_create_connection(url, *args, **kwargs)


websocket.create_connection = _recording_create_connection


def count(kind):
    return len([r for r in REQUESTS if r[0] == kind])


class CheckError(Exception):
    pass


CHECKS = [0]


def ok(condition, message):
    CHECKS[0] += 1
    if not condition:
        raise CheckError(message)


def equal(actual, expected, what):
    ok(actual == expected, '%s: expected %r, got %r' % (what, expected, actual))


class Waiter:
    """Collects the arguments of an event; wait() blocks with a timeout."""

    def __init__(self, what):
        self.what = what
        self.event = threading.Event()
        self.args = None

    def __call__(self, *args):
        if not self.event.is_set():
            self.args = args
            self.event.set()

    def wait(self):
        if not self.event.wait(STEP_TIMEOUT):
            raise CheckError('timed out after %.0f s waiting for %s'
                             % (STEP_TIMEOUT, self.what))
        return self.args


CLIENTS = []


def new_client():
    client = socketio.Client(reconnection=False)
    CLIENTS.append(client)
    return client


def connect(client, namespaces, auth, wait=True):
    client.connect(BASE_URL, namespaces=namespaces, auth=auth,
                   transports=TRANSPORTS, wait=wait, wait_timeout=STEP_TIMEOUT)


def step(name, fn):
    try:
        fn()
    except Exception as exc:
        exc.step = name
        raise
    print('ok - %s' % name, flush=True)


def run():
    auth = {'client': 'python', 'purpose': 'main'}
    main = new_client()
    auth_main = Waiter('"auth" on "/"')
    auth_custom = Waiter('"auth" on "/custom"')
    main.on('auth', auth_main, namespace='/')
    main.on('auth', auth_custom, namespace='/custom')
    message_back = []
    message_back_event = threading.Event()

    def on_message_back(*args):
        message_back.append(args)
        message_back_event.set()

    main.on('message-back', on_message_back, namespace='/')

    def expect_message_back(args, what):
        message_back.clear()
        message_back_event.clear()
        main.emit('message', tuple(args), namespace='/')
        if not message_back_event.wait(STEP_TIMEOUT):
            raise CheckError('timed out after %.0f s waiting for %s' % (STEP_TIMEOUT, what))
        equal(list(message_back[0]), list(args), what)

    def connect_both():
        # one Engine.IO connection, two namespaces (python-socketio multiplexes them)
        connect(main, ['/', '/custom'], auth)
        ok(main.connected, 'client not connected')
        sid_main = main.get_sid('/')
        sid_custom = main.get_sid('/custom')
        ok(isinstance(sid_main, str) and sid_main, 'no socket id on "/": %r' % sid_main)
        ok(isinstance(sid_custom, str) and sid_custom,
           'no socket id on "/custom": %r' % sid_custom)
        ok(sid_main != sid_custom, '"/" and "/custom" have the same socket id %s' % sid_main)
        ok(isinstance(main.eio.sid, str) and main.eio.sid, 'no Engine.IO session id')

    step('connect to "/" and "/custom" on one connection', connect_both)

    def check_auth():
        equal(auth_main.wait()[0], auth, '"auth" payload on "/"')
        equal(auth_custom.wait()[0], auth, '"auth" payload on "/custom"')

    step('receive "auth" on "/" and "/custom"', check_auth)

    step('"message" -> "message-back" round trip', lambda: expect_message_back(
        [1, '2', {'3': [True], 'nested': {'text': 'h\u00e9llo w\u00f6rld \u2713', 'n': None}}],
        '"message-back" arguments'))

    def ack_round_trip():
        data = bytes([0, 1, 2, 3, 127, 128, 253, 254, 255])
        nested = 'binary \u2713 in an object'.encode('utf-8')
        result = main.call('message-with-ack', (data, 'text', {'nested': nested, 'n': 42}),
                           namespace='/', timeout=STEP_TIMEOUT)
        ok(isinstance(result, tuple) and len(result) == 3,
           'ack has unexpected arguments: %r' % (result,))
        ok(isinstance(result[0], (bytes, bytearray)), 'ack argument 0 is not binary: %r'
           % (result[0],))
        equal(bytes(result[0]), data, 'ack binary bytes')
        equal(result[1], 'text', 'ack argument 1')
        ok(isinstance(result[2], dict) and isinstance(result[2].get('nested'), (bytes, bytearray)),
           'ack argument 2 has no binary "nested": %r' % (result[2],))
        equal(bytes(result[2]['nested']), nested, 'nested binary bytes')
        equal(result[2].get('n'), 42, 'ack argument 2 .n')

    step('"message-with-ack" with binary arguments round trip', ack_round_trip)

    def custom_still_works():
        # both namespaces of the multiplexed connection are alive side by side
        expect_message_back(['still here'], '"message-back" with "/custom" connected')
        ok('/custom' in main.namespaces, '"/custom" is no longer connected')

    step('"/" and "/custom" both alive', custom_still_works)

    def refused():
        client = new_client()
        outcome = Waiter('"connect_error" on "/private"')
        client.on('connect_error', lambda *args: outcome('connect_error', *args),
                  namespace='/private')
        client.on('connect', lambda: outcome('connect'), namespace='/private')
        # wait=False: connect() would otherwise sit out wait_timeout after the refusal
        connect(client, ['/private'], {'token': 'wrong'}, wait=False)
        result = outcome.wait()
        ok(result[0] == 'connect_error',
           'connection to "/private" succeeded although refused (got "%s")' % result[0])
        args = result[1:]
        ok(len(args) >= 1 and isinstance(args[0], dict),
           'connect_error data is not an object: %r' % (args,))
        equal(args[0].get('message'), 'Not authorized', 'connect_error message')
        equal(args[0].get('data'), {'reason': 'bad token'}, 'connect_error data')
        ok('/private' not in client.namespaces, '"/private" is connected although refused')
        client.disconnect()
        ok(main.connected and '/' in main.namespaces, '"/" got disconnected')

    step('refused connection to "/private"', refused)

    def allowed():
        client = new_client()
        connect(client, ['/private'], {'token': 'let-me-in'})
        ok(client.connected and '/private' in client.namespaces, '"/private" not connected')
        client.disconnect()

    step('successful connection to "/private" with the token', allowed)

    def transport_mode():
        transport = main.transport()
        if MODE == 'polling':
            ok(count('http') > 0, 'no polling request was made')
            equal(count('websocket'), 0, 'websocket connections in polling mode')
            equal(transport, 'polling', 'transport in polling mode')
        elif MODE == 'websocket':
            equal(count('http'), 0, 'polling requests in websocket mode (%r)' % REQUESTS)
            ok(count('websocket') > 0, 'no websocket connection was made')
            equal(transport, 'websocket', 'transport in websocket mode')
        else:
            ok(count('http') > 0, 'upgrade mode did not start with polling')
            ok(count('websocket') > 0, 'no websocket connection was made')
            equal(transport, 'websocket', 'transport after upgrade')
            expect_message_back(['after upgrade', b'\x09\x08\x07'],
                                '"message-back" after the upgrade')

    step('transport mode "%s"' % MODE, transport_mode)


def main():
    outcome = {}

    def target():
        try:
            run()
            outcome['ok'] = True
        except Exception as exc:  # reported below
            outcome['error'] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(TOTAL_TIMEOUT)
    code = 0
    if worker.is_alive():
        print('FAIL %s: overall timeout of %.0f s exceeded' % (LABEL, TOTAL_TIMEOUT),
              file=sys.stderr)
        code = 1
    elif 'error' in outcome:
        exc = outcome['error']
        reason = str(exc) if isinstance(exc, CheckError) else repr(exc)
        print('FAIL %s at step "%s": %s' % (LABEL, getattr(exc, 'step', '?'), reason),
              file=sys.stderr)
        print('requests made: %r' % REQUESTS, file=sys.stderr)
        code = 1
    else:
        print('PASS %s: %d checks against %s' % (LABEL, CHECKS[0], BASE_URL))
    for client in CLIENTS:
        try:
            client.disconnect()
        except Exception:
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    # background threads of the clients must not keep the process alive
    import os
    os._exit(code)


if __name__ == '__main__':
    main()
