#!/usr/bin/python3
"""End-to-end check of the server API (the test gateway's `api` profile) with Debian's python3-socketio.

    /usr/bin/python3 python_api_client.py <polling|websocket|upgrade> <baseUrl> [timeoutSeconds]

Same scenario as api-client.js, with several socketio.Client instances at once: binary and
multi-argument events, acks both ways (and the server's ack timeout), broadcast acks, rooms
(To/Except/Server.To/CloseRoom/Rooms), users, broadcast, send/json, volatile, catch-all, another
namespace, refusals by the connect handler and by middleware, FetchSockets/Count/SocketsJoin/
SocketsLeave/DisconnectSockets and the disconnect handler's reasons. Exits 0 only when every check
passes; otherwise prints "FAIL ..." with the step and the reason.
"""
import json
import random
import string
import sys
import threading
import time
from urllib.parse import quote

USAGE = ('usage: /usr/bin/python3 python_api_client.py <polling|websocket|upgrade> '
         '<baseUrl> [timeoutSeconds]')

if len(sys.argv) < 3 or sys.argv[1] not in ('polling', 'websocket', 'upgrade'):
    print(USAGE, file=sys.stderr)
    sys.exit(2)

try:
    import socketio
except ImportError as exc:  # pragma: no cover - environment problem
    print('FAIL python api client: cannot import python3-socketio (%s); install the Debian '
          'packages python3-socketio python3-websocket python3-requests (./test.sh does)' % exc,
          file=sys.stderr)
    sys.exit(1)

MODE = sys.argv[1]
BASE_URL = sys.argv[2].rstrip('/')
TOTAL_TIMEOUT = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
STEP_TIMEOUT = min(10.0, TOTAL_TIMEOUT)
QUIET = 0.4  # how long "nothing more arrives" is watched for
TRANSPORTS = {'polling': ['polling'], 'websocket': ['websocket'],
              'upgrade': ['polling', 'websocket']}[MODE]
LABEL = 'python-socketio %s' % MODE
try:
    from importlib.metadata import version as _dist_version
    LABEL = 'python-socketio %s %s' % (_dist_version('python-socketio'), MODE)
except Exception:  # pragma: no cover - metadata missing
    pass
RUN = 'py%s-%s' % (MODE[0], ''.join(random.choice(string.ascii_lowercase) for _ in range(6)))

EVENTS = ['welcome', 'room_msg', 'broadcast_msg', 'user_msg', 'other_msg', 'multi_back',
          'message', 'json', 'vol', 'gone', 'tick', 'hello_other']


class CheckError(Exception):
    pass


CHECKS = [0]
CLIENTS = []


def ok(condition, message):
    CHECKS[0] += 1
    if not condition:
        raise CheckError(message)


def equal(actual, expected, what):
    ok(actual == expected, '%s: expected %r, got %r' % (what, expected, actual))


class Inbox:
    """Records events per client; next() waits (bounded) and consumes, none() checks absence."""

    def __init__(self, name):
        self.name = name
        self.items = []
        self.cond = threading.Condition()

    def add(self, event, args):
        with self.cond:
            self.items.append((event, args))
            self.cond.notify_all()

    def _take(self, event, match):
        for i, (ev, args) in enumerate(self.items):
            if ev == event and match(args):
                del self.items[i]
                return args
        return None

    def next(self, event, what, match=lambda args: True):
        deadline = time.monotonic() + STEP_TIMEOUT
        with self.cond:
            while True:
                found = self._take(event, match)
                if found is not None:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CheckError('%s: timed out after %.0f s waiting for %s ("%s"); unconsumed '
                                     'events: %r' % (self.name, STEP_TIMEOUT, what, event, self.items))
                self.cond.wait(left)

    def count(self, event, match=lambda args: True):
        with self.cond:
            return len([1 for ev, args in self.items if ev == event and match(args)])

    def none(self, event, what, match=lambda args: True):
        time.sleep(QUIET)
        n = self.count(event, match)
        ok(n == 0, '%s got %s ("%s") %d time(s) but should not have' % (self.name, what, event, n))


class Client:
    def __init__(self, name, namespaces=('/',)):
        self.name = name
        self.sio = socketio.Client(reconnection=False)
        self.inbox = Inbox(name)
        self.disconnected = threading.Event()
        self.namespaces = list(namespaces)
        for ns in self.namespaces:
            for event in EVENTS:
                self.sio.on(event, self._recorder(event if ns == '/' else ns + ':' + event),
                            namespace=ns)
        self.sio.on('disconnect', self.disconnected.set, namespace='/')
        CLIENTS.append(self)

    def _recorder(self, event):
        return lambda *args: self.inbox.add(event, list(args))

    def connect(self, auth=None, tag=None, wait=True):
        self.sio.connect('%s?tag=%s' % (BASE_URL, quote(tag or self.name, safe='')), auth=auth,
                         namespaces=self.namespaces, transports=TRANSPORTS, wait=wait,
                         wait_timeout=STEP_TIMEOUT)
        return self

    @property
    def sid(self):
        return self.sio.get_sid('/')

    def call(self, event, *args, namespace='/'):
        try:
            return self.sio.call(event, tuple(args), namespace=namespace, timeout=STEP_TIMEOUT)
        except socketio.exceptions.TimeoutError:
            raise CheckError('%s: timed out after %.0f s waiting for the ack of "%s"'
                             % (self.name, STEP_TIMEOUT, event))

    def emit(self, event, *args):
        self.sio.emit(event, tuple(args))


def connect(name, auth=None):
    client = Client(name).connect(auth=auth or {})
    welcome = client.inbox.next('welcome', '"welcome"')
    equal(welcome, [{'id': client.sid, 'user': (auth or {}).get('user')}], '%s: "welcome"' % name)
    return client


def refused(namespace, auth):
    """Connects and expects a refusal; returns the connect_error argument ({message, data})."""
    client = Client('refused ' + namespace, namespaces=(namespace,))
    outcome = []
    done = threading.Event()
    client.sio.on('connect_error', lambda *a: (outcome.append(('connect_error',) + a), done.set()),
                  namespace=namespace)
    client.sio.on('connect', lambda: (outcome.append(('connect',)), done.set()), namespace=namespace)
    client.connect(auth=auth, wait=False)
    if not done.wait(STEP_TIMEOUT):
        raise CheckError('timed out after %.0f s waiting for the refusal on %s' % (STEP_TIMEOUT, namespace))
    ok(outcome[0][0] == 'connect_error', 'connected to %s although it should be refused' % namespace)
    ok(len(outcome[0]) >= 2 and isinstance(outcome[0][1], dict),
       'connect_error data is not an object: %r' % (outcome[0],))
    client.sio.disconnect()
    return outcome[0][1]


def step(name, fn):
    try:
        fn()
    except Exception as exc:
        exc.step = name
        raise
    print('ok - %s' % name, flush=True)


def run():
    user_a = RUN + '-userA'
    user_c = RUN + '-userC'
    room = RUN + '-room'
    side = RUN + '-side'
    c = {}

    def connect_all():
        c['a'] = Client('A', namespaces=('/', '/other')).connect(auth={'user': user_a})
        equal(c['a'].inbox.next('welcome', '"welcome"'), [{'id': c['a'].sid, 'user': user_a}],
              'A: "welcome"')
        c['b'] = connect('B', {'user': user_a})
        c['c'] = connect('C', {'user': user_c})
        c['w'] = connect('W')
        ok(len({x.sid for x in c.values()}) == 4, 'socket ids are not distinct')
        equal(c['w'].call('join', 'watchers'), sorted([c['w'].sid, 'watchers']), 'W: "join" ack')

    step('connect four clients (users from auth), each gets welcome', connect_all)
    a, b, cc, w = c['a'], c['b'], c['c'], c['w']

    def binary():
        result = a.call('binary', b'\x00\x01\x02\xff', 'lbl')
        equal(result, ('lbl', b'\xff\x02\x01\x00', 4), '"binary" ack')

    step('binary arguments: bytes in, bytes out', binary)

    step('multi-argument event and ack (Ack.Many)', lambda: equal(
        a.call('multi', 7, 'b', {'c': [1, 2]}, True), (True, {'c': [1, 2]}, 'b', 7), '"multi" ack'))

    def emit_multi():
        a.emit('emit_multi')
        equal(a.inbox.next('multi_back', '"multi_back"'), [1, 'two', {'three': 3}, b'\x04\x05\x06'],
              '"multi_back" arguments')

    step('multi-argument server emit with binary', emit_multi)

    def on_question(q):
        if str(q).startswith('ignore'):
            time.sleep(1.0)  # python-socketio always acks: answer too late instead
        return 'answer:%s' % q

    a.sio.on('question', on_question)

    step('server EmitWithAck answered by the client', lambda: equal(
        a.call('ask_client', 'q1', 3000), {'answer': ['answer:q1']}, '"ask_client" ack'))

    def ask_timeout():
        reply = a.call('ask_client', 'ignore me', 300)
        ok(isinstance(reply, dict) and str(reply.get('error', '')).startswith('TimeoutException: ')
           and "did not acknowledge 'question' within 300 ms" in reply['error'],
           '"ask_client" did not report a TimeoutException: %r' % (reply,))

    step('server EmitWithAck timeout: TimeoutException reported by the handler', ask_timeout)

    def join():
        for x in (a, b, cc):
            equal(x.call('join', room), sorted([x.sid, room]), '%s: "join" ack' % x.name)

    step('join a room: the ack lists the socket\'s rooms', join)

    def to_room():
        a.emit('to_room', room, 'hi from A')
        this = lambda args: args[1] == 'hi from A'
        for x in (b, cc):
            equal(x.inbox.next('room_msg', '"room_msg"', this), [room, 'hi from A', a.sid],
                  '%s: "room_msg"' % x.name)
        a.inbox.none('room_msg', 'its own socket.To(room) emit', this)
        w.inbox.none('room_msg', 'a room emit although not in the room', this)

    step('socket.To(room): the room except the sender', to_room)

    def server_to_room():
        a.emit('server_to_room', room, 'all of room')
        this = lambda args: args[1] == 'all of room'
        for x in (a, b, cc):
            equal(x.inbox.next('room_msg', '"room_msg"', this), [room, 'all of room', a.sid],
                  '%s: "room_msg"' % x.name)
        w.inbox.none('room_msg', 'a room emit although not in the room', this)

    step('Server.To(room): the room including the sender', server_to_room)

    def except_():
        b.call('join', side)
        a.emit('to_room_except', room, side, 'not side')
        not_side = lambda args: args[1] == 'not side'
        for x in (a, cc):
            x.inbox.next('room_msg', '"room_msg" (except side)', not_side)
        a.emit('to_room_except', room, cc.sid, 'not C')
        not_c = lambda args: args[1] == 'not C'
        for x in (a, b):
            x.inbox.next('room_msg', '"room_msg" (except C)', not_c)
        b.inbox.none('room_msg', 'an emit that excepted its room', not_side)
        cc.inbox.none('room_msg', 'an emit that excepted its id', not_c)

    step('Server.To(room).Except(room) and Except(socket id)', except_)

    def broadcast():
        a.emit('broadcast', 'to everyone else')
        this = lambda args: args[0] == 'to everyone else'
        for x in (b, cc, w):
            equal(x.inbox.next('broadcast_msg', '"broadcast_msg"', this), ['to everyone else', a.sid],
                  '%s: "broadcast_msg"' % x.name)
        a.inbox.none('broadcast_msg', 'its own broadcast', this)

    step('socket.Broadcast: every other socket of the namespace', broadcast)

    def to_user():
        cc.emit('to_user', user_a, 'for user A')
        this = lambda args: args[0] == 'for user A'
        for x in (a, b):
            equal(x.inbox.next('user_msg', '"user_msg"', this), ['for user A'], '%s: "user_msg"' % x.name)
        time.sleep(QUIET)
        for x in (a, b):
            equal(x.inbox.count('user_msg', this), 0, '%s: more "user_msg" after the first' % x.name)
        cc.inbox.none('user_msg', "another user's message", this)

    step('Server.ToUser(id): both sockets of the user, once each', to_user)

    def bcast_ack():
        for x in (a, b):
            x.sio.on('poll', (lambda name: lambda r: '%s:%s' % (name, r))(x.name))
        cc.sio.on('poll', lambda r: time.sleep(2.5))  # C answers too late
        equal(a.call('bcast_ack', room, 1000),
              {'targeted': 3, 'allAnswered': False,
               'answers': {a.sid: ['A:' + room], b.sid: ['B:' + room]}},
              '"bcast_ack" result (C too late)')
        equal(cc.call('bcast_ack', side, 2000),
              {'targeted': 1, 'allAnswered': True, 'answers': {b.sid: ['B:' + side]}},
              '"bcast_ack" result (everyone answers)')

    step('broadcast acks: Server.To(room).Timeout(..).EmitWithAck collects the answers', bcast_ack)

    def send():
        a.emit('send', {'x': 1}, False)
        equal(a.inbox.next('message', '"message" from Send(data)'), [{'x': 1}], '"message"')
        a.emit('send', 'as json', True)
        equal(a.inbox.next('json', '"json" from Send(data, json: true)'), ['as json'], '"json"')
        a.sio.send('hello')
        equal(a.inbox.next('message', '"message" echoed by the "message" handler'), ['hello'],
              'echoed "message"')
        equal(a.call('message', {'m': 2}), 'message:{"m":2}', '"message" handler ack')
        equal(a.call('json', {'j': [1]}), 'json:{"j":[1]}', '"json" handler ack')
        equal(a.inbox.next('message', '"message" echo'), [{'m': 2}], '"message" echo')
        equal(a.inbox.next('json', '"json" echo'), [{'j': [1]}], '"json" echo')

    step('Send: "message" and "json" from the server; client send and "json" handled', send)

    def volatile():
        equal(a.call('volatile', 5), 5, '"volatile" ack')
        a.inbox.next('vol', '"vol"')
        time.sleep(0.1)
        got = 1 + a.inbox.count('vol')
        ok(1 <= got <= 5, '"vol" arrived %d times, expected 1..5' % got)

    step('volatile emits reach a client that can take them', volatile)

    step('catch-all handler (OnAny) acks unknown events', lambda: equal(
        a.call('no_such_event', 1, 'two'), {'caught': 'no_such_event', 'args': [1, 'two']},
        'catch-all ack'))

    def other():
        other_sid = a.sio.get_sid('/other')
        ok(other_sid and other_sid != a.sid, '"/other" has no socket id of its own: %r' % other_sid)
        equal(a.inbox.next('/other:hello_other', '"hello_other"'), [other_sid], '"hello_other"')
        equal(a.call('whoami', namespace='/other'), {'id': other_sid, 'ns': '/other'}, '"/other" whoami')
        a.emit('emit_other', 'to /other')
        equal(a.inbox.next('/other:other_msg', '"other_msg" on "/other"'), ['to /other'], '"other_msg"')
        a.inbox.none('other_msg', 'a "/other" emit on "/"')
        b.inbox.none('other_msg', 'a "/other" emit on "/"')

    step('another namespace: "/other" multiplexed, Server.Of("/other")', other)

    def refusals_handler():
        r = refused('/', {'refuse': 'yes'})
        equal(r, {'message': 'Refused by the connect handler', 'data': {'reason': 'yes'}}, 'refusal on "/"')
        r = refused('/secure', {'token': 'bad'})
        equal(r, {'message': 'Not authorized', 'data': {'code': 4001}}, 'refusal on "/secure"')
        allowed = Client('secure', namespaces=('/secure',)).connect(auth={'token': 'ok'})
        equal(allowed.call('whoami', namespace='/secure'),
              {'id': allowed.sio.get_sid('/secure'), 'ns': '/secure'}, '"/secure" whoami')

    step('refused by the connect handler (message and data)', refusals_handler)

    def refusals_middleware():
        r = refused('/guarded', {'pass': 'bad'})
        equal(r, {'message': 'Refused by middleware', 'data': {'by': 'middleware'}}, 'refusal on "/guarded"')
        allowed = Client('guarded', namespaces=('/guarded',)).connect(auth={'pass': 'ok'})
        equal(allowed.call('whoami', namespace='/guarded'),
              {'id': allowed.sio.get_sid('/guarded'), 'ns': '/guarded'}, '"/guarded" whoami')

    step('refused by connection middleware (message and data)', refusals_middleware)

    def fetch():
        a.call('set_data', 'color', 'red')
        b.call('set_data', 'n', 2)
        expected = sorted([
            {'id': x.sid,
             'rooms': sorted([x.sid, room] + ([side] if x is b else [])),
             'auth': {'user': user_c if x is cc else user_a},
             'tag': x.name,
             'user': user_c if x is cc else user_a,
             'data': {'color': 'red'} if x is a else {'n': 2} if x is b else {}}
            for x in (a, b, cc)], key=lambda e: e['id'])
        equal(w.call('fetch', room), expected, '"fetch" result')

    step('FetchSockets: id, rooms, handshake (auth, query) and data', fetch)

    def count_rooms():
        equal(w.call('count', room), 3, '"count" of the room')
        equal(w.call('count', side), 1, '"count" of the side room')
        equal(w.call('rooms_of', b.sid), sorted([b.sid, room, side]), '"rooms_of" B')

    step('Count and Rooms(sid)', count_rooms)

    def sockets_join_leave():
        extra = RUN + '-extra'
        w.call('sockets_join', room, extra)
        equal(w.call('count', extra), 3, 'count after SocketsJoin')
        equal(cc.call('whoami')['rooms'], sorted([cc.sid, room, extra]), "C's rooms after SocketsJoin")
        a.emit('server_to_room', extra, 'to extra')
        for x in (a, b, cc):
            x.inbox.next('room_msg', '"room_msg" in the joined room', lambda args: args[1] == 'to extra')
        w.call('sockets_leave', room, extra)
        equal(w.call('count', extra), 0, 'count after SocketsLeave')
        equal(cc.call('whoami')['rooms'], sorted([cc.sid, room]), "C's rooms after SocketsLeave")

    step('SocketsJoin / SocketsLeave', sockets_join_leave)

    def close_room():
        w.call('close_room', side)
        equal(w.call('count', side), 0, 'count after CloseRoom')
        equal(b.call('whoami')['rooms'], sorted([b.sid, room]), "B's rooms after CloseRoom")
        a.emit('server_to_room', side, 'to closed room')
        b.inbox.none('room_msg', 'an emit to a closed room', lambda args: args[1] == 'to closed room')

    step('CloseRoom', close_room)

    def ticker():
        w.call('join', 'ticker')
        n = w.inbox.next('tick', '"tick"')[0]
        ok(isinstance(n, int) and n > 0, '"tick" argument is not a positive integer: %r' % (n,))
        w.call('leave', 'ticker')

    step("the hosted service's periodic emit (PeriodicTicker)", ticker)

    def gone(sid, what):
        return w.inbox.next('gone', '"gone" for %s' % what, lambda args: args[0] == sid)

    def disconnect_one():
        sid = cc.sid
        b.emit('disconnect_socket', sid)
        ok(cc.disconnected.wait(STEP_TIMEOUT), 'C was not disconnected by the server')
        equal(gone(sid, 'C'), [sid, 'server namespace disconnect'], "disconnect handler's reason for C")

    step('disconnect one socket (Server.In(id).DisconnectSockets): reason on both sides', disconnect_one)

    def disconnect_me():
        sid = a.sid
        a.emit('disconnect_me')
        ok(a.disconnected.wait(STEP_TIMEOUT), 'A was not disconnected by the server')
        equal(gone(sid, 'A'), [sid, 'server namespace disconnect'], "disconnect handler's reason for A")

    step('socket.Disconnect() from its own handler', disconnect_me)

    def client_disconnect():
        sid = b.sid
        b.sio.disconnect()
        # python-socketio 5.7.2 queues DISCONNECT and closes the transport without waiting for it to
        # be written: Node's own server (socket.io 4.8.4) mostly reports "transport close" for it too.
        reason = gone(sid, 'B')
        ok(reason in ([sid, 'client namespace disconnect'], [sid, 'transport close']),
           "disconnect handler's reason for B: %r" % (reason,))

    step('client disconnect: the disconnect handler\'s reason', client_disconnect)

    def disconnect_room():
        doomed = RUN + '-doomed'
        d, e = connect('D'), connect('E')
        sids = [d.sid, e.sid]
        for x in (d, e):
            x.call('join', doomed)
        w.emit('disconnect_room', doomed)
        for x in (d, e):
            ok(x.disconnected.wait(STEP_TIMEOUT), '%s was not disconnected by the server' % x.name)
        for sid in sids:
            equal(gone(sid, sid), [sid, 'server namespace disconnect'], "disconnect handler's reason")
        equal(w.call('count', doomed), 0, 'count after DisconnectSockets')

    step('DisconnectSockets of a room', disconnect_room)


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
        print('FAIL %s: overall timeout of %.0f s exceeded' % (LABEL, TOTAL_TIMEOUT), file=sys.stderr)
        code = 1
    elif 'error' in outcome:
        exc = outcome['error']
        reason = str(exc) if isinstance(exc, CheckError) else repr(exc)
        print('FAIL %s at step "%s": %s' % (LABEL, getattr(exc, 'step', '?'), reason), file=sys.stderr)
        code = 1
    else:
        print('PASS %s: %d checks against %s' % (LABEL, CHECKS[0], BASE_URL))
    for client in CLIENTS:
        try:
            client.sio.disconnect()
        except Exception:
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    import os
    os._exit(code)  # the clients' background threads must not keep the process alive


if __name__ == '__main__':
    main()
