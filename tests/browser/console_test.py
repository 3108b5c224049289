#!/usr/bin/python3
"""Browser scenarios for hotlined's counsellor console (console/).

Usage:
  console_test.py SCENARIO --url http://127.0.0.1:PORT --token TOKEN1
      [--token2 TOKEN2] [--supervisor-token TOKENS] --ref REF --number NUMBER
      [--shots DIR] [--link LINK]

REF is an urgent request already stored and not claimed; NUMBER is the number
a counsellor who claims it must be given. TOKEN1 and TOKEN2 are two different
counsellors, TOKENS a supervisor. Exit 0 on pass. On failure: one line
"FAIL SCENARIO: reason" on stderr, a screenshot DIR/fail-SCENARIO.png (and
DIR/fail-SCENARIO-2.png for a second browser), exit 1.

Needs Debian's python3-selenium (4.8), /usr/bin/chromium and
/usr/bin/chromedriver; runs headless (as root: --no-sandbox) in a 360x780
window. Talks only to 127.0.0.1; direct HTTP checks use urllib, without
proxies. Each scenario expects REF unclaimed at its start (a fresh daemon or a
fresh REF per scenario): claim completes it, second, csrf and supervisor
leave it claimed.

Scenarios:
  claim       sign in with TOKEN1; the queue is in Khmer (html lang="km", the
              tab text "ទាំងអស់") and lists REF as urgent; NUMBER (also its
              digits-only and 0-national forms) is nowhere in the page source
              on the queue and on the request screen before the claim;
              DIR/console-queue.png; open REF, claim: a#call-number has href
              "tel:NUMBER", and neither the URL, document.title nor web
              storage holds the number; DIR/console-request.png; complete as
              "reached" (with the in-page confirmation): the number leaves the
              DOM and REF is in neither Mine nor Unassigned.
  second      counsellor 1 claims REF in a browser; counsellor 2 (TOKEN2, a
              fresh browser profile) opens REF: #claimed-by names counsellor 1,
              #btn-claim is hidden or disabled, NUMBER is not in her page
              source, and a claim by fetch() with her CSRF token gets 409.
  csrf        signed in, fetch() POST /api/requests/REF/claim without
              X-CSRF-Token gets 403; with the token from /api/me, 200.
  expired     for a daemon with a 3-second idle expiry: sign in, wait 5 s,
              click a tab: the sign-in screen shows #signin-message; sign in
              again, wait 5 s, reload: the same. A session opened with urllib
              also ends (401 from /api/me after 5 s idle).
  headers     with the browser's session cookie: /api/requests has
              Cache-Control no-store, /console/ a Content-Security-Policy with
              default-src 'self'; a direct POST /console/signin sets a cookie
              with HttpOnly, SameSite=Strict, Path=/; /console/console.js has
              an ETag and answers If-None-Match with 304; a wrong token gets
              401, and in the page #signin-error.
  supervisor  counsellor 1 claims REF through the API (Bearer TOKEN1); the
              supervisor signs in, #nav-overview is shown, the overview lists
              who is on duty (#ov-duty) and REF among the open claims
              (#ov-claims); she reassigns it to counsellor 2 (select.reassign-to
              + .btn-reassign); GET /api/requests/REF (Bearer TOKEN2) then says
              claimed_by = counsellor 2's id (from GET /api/me, Bearer TOKEN2).
  lang        switch to English (#lang-en): html lang="en", English texts;
              reload: still English; #lang-km: Khmer again, after a reload too.
  link        LINK (--link, a one-time link /console/#link/<secret> that an
              alert carried to counsellor 1) opens REF signed in, and the
              secret leaves the address; opened again in a fresh browser it
              shows the sign-in screen with #signin-message, and posting the
              secret again gets 410.

Every scenario also fails on a Content-Security-Policy violation or an
uncaught JavaScript error in the browser's console.

Element ids and selectors relied on:
  #signin #signin-form #token #signin-submit #signin-error #signin-message
  #whoami #btn-signout #lang-km #lang-en #nav-overview
  #queue #tab-mine #tab-unassigned #tab-all #queue-list (data-view = the
    view shown, aria-busy="false" once loaded) li.request-item[data-ref=REF]
    .badge-urgent
  #request (aria-busy="false" once loaded) #req-ref #claimed-by #btn-claim
    a#call-number #outcome #btn-complete #confirm #confirm-yes #back
  #overview (aria-busy="false" once loaded) #ov-duty
    #ov-claims li[data-ref=REF] select.reassign-to .btn-reassign
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
WAIT = 15          # seconds for any one thing to show up
KM_ALL = 'ទាំងអស់'  # the "All" tab in Khmer
KM_URGENT = 'បន្ទាន់'

ARGS = None
DRIVERS = []


class Fail(Exception):
    pass


def check(cond, why):
    if not cond:
        raise Fail(why)


# ---- Direct HTTP (urllib, never through a proxy, never following redirects)

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **kw):
        return None


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                     _NoRedirect())


def http(method, path, headers=None, body=None):
    """(status, headers, body bytes) of one request to the daemon."""
    data = None
    h = dict(headers or {})
    if body is not None:
        data = json.dumps(body).encode()
        h.setdefault('Content-Type', 'application/json')
    req = urllib.request.Request(ARGS.url + path, data=data, headers=h,
                                 method=method)
    try:
        with OPENER.open(req, timeout=WAIT) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()
    except (urllib.error.URLError, OSError) as e:
        raise Fail('%s %s: %s' % (method, path, e))


def bearer(token):
    return {'Authorization': 'Bearer ' + token}


def api_json(method, path, token, body=None, want=200):
    st, _, b = http(method, path, bearer(token), body)
    check(st == want, '%s %s answered %d, not %d: %s' %
          (method, path, st, want, b[:200].decode('utf-8', 'replace')))
    try:
        return json.loads(b)
    except ValueError:
        raise Fail('%s %s: not JSON' % (method, path))


def me(token):
    return api_json('GET', '/api/me', token)


# ---- The browser

def browser():
    o = webdriver.ChromeOptions()
    o.binary_location = CHROMIUM
    for a in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
              '--disable-gpu', '--window-size=360,780', '--no-proxy-server',
              '--no-first-run', '--no-default-browser-check',
              '--disable-extensions', '--disable-background-networking',
              '--disable-sync', '--disable-component-update',
              '--disable-domain-reliability',
              '--disable-client-side-phishing-detection',
              '--disable-features=Translate,OptimizationHints,MediaRouter'):
        o.add_argument(a)
    # Headless chromium will not make a window narrower than 500 px: emulate
    # a small Android phone so that the page really is 360 px wide.
    o.add_experimental_option('mobileEmulation', {
        'deviceMetrics': {'width': 360, 'height': 780, 'pixelRatio': 2,
                          'touch': True, 'mobile': True},
        'userAgent': 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 '
                     '(KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36'})
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    try:
        d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=o)
    except WebDriverException as e:
        raise Fail('cannot start chromium: %s' % (e.msg or e))
    DRIVERS.append(d)
    d.set_page_load_timeout(30)
    d.set_script_timeout(WAIT)
    return d


def wait(d, fn, what, timeout=WAIT):
    """Wait until fn(d) is true; fail saying what was awaited."""
    def probe(drv):
        try:
            return fn(drv)
        except WebDriverException:
            return False
    try:
        return WebDriverWait(d, timeout, poll_frequency=0.1).until(probe)
    except TimeoutException:
        raise Fail('timed out after %d s waiting for %s' % (timeout, what))


def find(d, css):
    e = d.find_elements(By.CSS_SELECTOR, css)
    return e[0] if e else None


def shown(d, css):
    e = find(d, css)
    return e if e is not None and e.is_displayed() else None


def html_lang(d):
    return d.execute_script('return document.documentElement.lang')


def goto(d, hash_):
    d.execute_script('location.hash = arguments[0]', hash_)


def shot(d, name):
    path = os.path.join(ARGS.shots, name)
    d.save_screenshot(path)


def open_console(d):
    d.get(ARGS.url + '/console/')
    wait(d, lambda d: shown(d, '#signin') or shown(d, '#queue') or
         shown(d, '#request') or shown(d, '#overview'),
         'the console to start (sign-in or app screen)')


def sign_in(d, token, load=True):
    if load:
        open_console(d)
    wait(d, lambda d: shown(d, '#token'), 'the sign-in screen (#token)')
    wait(d, lambda d: find(d, '#signin-submit').is_enabled(),
         'an enabled #signin-submit')
    t = find(d, '#token')
    t.clear()
    t.send_keys(token)
    check(t.get_attribute('type') == 'password', '#token is not a password input')
    check((t.get_attribute('autocomplete') or '') == 'off', '#token lacks autocomplete=off')
    find(d, '#signin-submit').click()
    wait(d, lambda d: shown(d, '#whoami') and find(d, '#whoami').text.strip() and
         not shown(d, '#signin'), 'the app after sign-in (#whoami)')


def queue_ready(d, view):
    wait(d, lambda d: shown(d, '#queue') and find(
        d, '#queue-list[data-view="%s"][aria-busy="false"]' % view),
        'the %s queue to load' % view)


def queue_has(d, ref):
    return find(d, '#queue-list li.request-item[data-ref="%s"]' % ref)


def request_ready(d, ref):
    wait(d, lambda d: shown(d, '#request') and
         find(d, '#req-ref').text.strip() == ref and
         find(d, '#request').get_attribute('aria-busy') == 'false' and
         find(d, '#claimed-by').text.strip(),
         'the request screen of %s to load' % ref)


def open_from_queue(d, ref):
    li = wait(d, lambda d: queue_has(d, ref), '%s in the queue' % ref)
    li.find_element(By.CSS_SELECTOR, 'a').click()
    request_ready(d, ref)


def number_forms():
    n = ARGS.number
    digits = re.sub(r'\D', '', n)
    forms = {n, digits}
    if digits.startswith('855') and len(digits) > 9:
        forms.add('0' + digits[3:])
        forms.add(digits[3:])
    return [f for f in forms if len(f) >= 6]


def storage(d):
    return d.execute_script(
        'var o = {}; [localStorage, sessionStorage].forEach(function (s) {'
        ' for (var i = 0; i < s.length; i++) o[s.key(i)] = s.getItem(s.key(i)); });'
        ' return JSON.stringify(o);')


def no_number(d, where, source=True):
    """The number, in any form, is nowhere it must not be."""
    places = [('the URL', d.current_url), ('document.title', d.title),
              ('web storage', storage(d))]
    if source:
        places.append(('the page source', d.page_source))
    for name, text in places:
        for f in number_forms():
            check(f not in text, 'the number (%s) is in %s on %s' % (f, name, where))
    check(d.title == 'hotlined', 'document.title is %r on %s' % (d.title, where))


def page_fetch(d, path, csrf, body=None):
    """POST path from the page (cookie), with CSRF token csrf ('' = none, None
    = the page's own, read from /api/me). Returns (status, json or None)."""
    r = d.execute_async_script('''
        var path = arguments[0], csrf = arguments[1], body = arguments[2], done = arguments[3];
        var get = csrf === null
            ? fetch('/api/me', {credentials: 'same-origin', cache: 'no-store'})
                .then(function (r) { return r.json(); }).then(function (m) { return m.csrf; })
            : Promise.resolve(csrf);
        get.then(function (tok) {
            var h = {'Content-Type': 'application/json'};
            if (tok) h['X-CSRF-Token'] = tok;
            return fetch(path, {method: 'POST', credentials: 'same-origin', headers: h,
                                body: JSON.stringify(body || {})});
        }).then(function (r) {
            return r.text().then(function (t) { done([r.status, t]); });
        }).catch(function (e) { done([0, String(e)]); });
    ''', path, csrf, body)
    status, text = r
    try:
        return status, json.loads(text)
    except ValueError:
        return status, None


def console_problems(d):
    """CSP violations and uncaught errors in the browser's console."""
    bad = []
    try:
        for e in d.get_log('browser'):
            m = e.get('message', '')
            if ('Content Security Policy' in m or 'Uncaught' in m or
                    'Refused to' in m):
                bad.append(m)
    except WebDriverException:
        pass
    return bad


# ---- Scenarios

def s_claim():
    ref = ARGS.ref
    d = browser()
    sign_in(d, ARGS.token)
    queue_ready(d, 'all')
    check(html_lang(d) == 'km', 'html lang is %r, not "km"' % html_lang(d))
    check(find(d, '#tab-all').text.strip() == KM_ALL,
          'the All tab does not read %s' % KM_ALL)
    li = wait(d, lambda d: queue_has(d, ref), '%s in the queue' % ref)
    badge = li.find_elements(By.CSS_SELECTOR, '.badge-urgent')
    check(badge and badge[0].is_displayed(), '%s is not shown as urgent' % ref)
    check(KM_URGENT in badge[0].text, 'the urgent badge is not in Khmer')
    no_number(d, 'the queue')
    goto(d, '#queue/unassigned')
    queue_ready(d, 'unassigned')
    check(queue_has(d, ref), '%s is not in Unassigned' % ref)
    no_number(d, 'the Unassigned queue')
    goto(d, '#queue/all')
    queue_ready(d, 'all')
    shot(d, 'console-queue.png')

    open_from_queue(d, ref)
    no_number(d, 'the request screen before the claim')
    check(find(d, '#call-number') is None, 'a#call-number before the claim')
    btn = wait(d, lambda d: shown(d, '#btn-claim'), 'the claim button')
    check(btn.is_enabled(), '#btn-claim is disabled')
    btn.click()
    a = wait(d, lambda d: shown(d, 'a#call-number'), 'a#call-number after the claim')
    href = a.get_attribute('href')
    check(href == 'tel:' + ARGS.number,
          'a#call-number href is %r, not %r' % (href, 'tel:' + ARGS.number))
    no_number(d, 'the request screen after the claim', source=False)
    check(ref in d.current_url, 'the URL does not name %s' % ref)
    shot(d, 'console-request.png')

    Select(find(d, '#outcome')).select_by_value('reached')
    find(d, '#btn-complete').click()
    yes = wait(d, lambda d: shown(d, '#confirm') and shown(d, '#confirm-yes'),
               'the in-page confirmation')
    yes.click()
    wait(d, lambda d: find(d, '#call-number') is None and
         all(f not in d.page_source for f in number_forms()),
         'the number to leave the DOM after completing')
    got = api_json('GET', '/api/requests/' + ref, ARGS.token)
    check(got.get('state') == 'completed' and got.get('outcome') == 'reached',
          'after completing, %s is %s/%s' % (ref, got.get('state'), got.get('outcome')))
    find(d, '#back').click()
    for view in ('mine', 'unassigned'):
        goto(d, '#queue/' + view)
        queue_ready(d, view)
        check(not queue_has(d, ref), '%s is still in %s' % (ref, view))
    no_number(d, 'the queue after completing')
    return [d]


def s_second():
    ref = ARGS.ref
    need('token2')
    who1 = me(ARGS.token)
    d1 = browser()
    sign_in(d1, ARGS.token)
    goto(d1, '#r/' + ref)
    request_ready(d1, ref)
    wait(d1, lambda d: shown(d, '#btn-claim'), 'the claim button (counsellor 1)').click()
    wait(d1, lambda d: shown(d, 'a#call-number'), 'a#call-number for counsellor 1')

    d2 = browser()
    sign_in(d2, ARGS.token2)
    goto(d2, '#r/' + ref)
    request_ready(d2, ref)
    name = who1.get('name') or who1.get('id')
    wait(d2, lambda d: name in find(d, '#claimed-by').text,
         '#claimed-by to name %s for counsellor 2' % name)
    b = find(d2, '#btn-claim')
    check(b is None or not b.is_displayed() or not b.is_enabled(),
          'counsellor 2 has a usable claim button')
    check(find(d2, '#call-number') is None, 'counsellor 2 has a#call-number')
    no_number(d2, "counsellor 2's request screen")
    st, body = page_fetch(d2, '/api/requests/%s/claim' % ref, None)
    check(st == 409, "counsellor 2's claim by fetch got %d, not 409" % st)
    no_number(d2, "counsellor 2's page after her claim")
    return [d1, d2]


def s_csrf():
    ref = ARGS.ref
    d = browser()
    sign_in(d, ARGS.token)
    queue_ready(d, 'all')
    st, _ = page_fetch(d, '/api/requests/%s/claim' % ref, '')
    check(st == 403, 'a claim without X-CSRF-Token got %d, not 403' % st)
    st, _ = page_fetch(d, '/api/requests/%s/claim' % ref, 'wrong-token')
    check(st == 403, 'a claim with a wrong X-CSRF-Token got %d, not 403' % st)
    got = api_json('GET', '/api/requests/' + ref, ARGS.token)
    check(got.get('state') != 'claimed', 'a refused claim claimed %s' % ref)
    st, body = page_fetch(d, '/api/requests/%s/claim' % ref, None)
    check(st == 200, 'a claim with the CSRF token got %d, not 200' % st)
    check(body and (body.get('call') or {}).get('number') == ARGS.number,
          'the claim did not give the number to call')
    return [d]


def s_expired():
    d = browser()
    sign_in(d, ARGS.token)
    queue_ready(d, 'all')
    st, h, _ = http('POST', '/console/signin', body={'token': ARGS.token})
    check(st == 200, 'a direct sign-in got %d' % st)
    cookie = '; '.join(c.split(';', 1)[0] for c in h.get_all('Set-Cookie') or [])
    check(cookie, 'a direct sign-in set no cookie')
    time.sleep(5)   # the daemon's idle expiry is 3 s: the scenario must wait
    st, _, _ = http('GET', '/api/me', {'Cookie': cookie})
    check(st == 401, 'a session idle for 5 s still works (/api/me %d)' % st)
    tab = shown(d, '#tab-unassigned')
    if tab:         # the page may have noticed the idle time on its own
        tab.click()
    wait(d, lambda d: shown(d, '#signin') and shown(d, '#signin-message') and
         find(d, '#signin-message').text.strip(),
         'the sign-in screen with #signin-message after a tab click')
    check(not shown(d, '#queue'), 'the queue is still shown after expiry')

    sign_in(d, ARGS.token, load=False)
    queue_ready(d, 'all')
    time.sleep(5)   # idle again
    d.refresh()
    wait(d, lambda d: shown(d, '#signin') and shown(d, '#signin-message') and
         find(d, '#signin-message').text.strip(),
         'the sign-in screen with #signin-message after a reload')
    return [d]


def s_link():
    """A one-time link from an alert: it signs her in and opens REF; its
    secret leaves the address at once; the second time it is refused."""
    ref = ARGS.ref
    need('link')
    secret = ARGS.link.rsplit('/', 1)[-1]
    check(ARGS.link.startswith(ARGS.url + '/console/#link/') and len(secret) == 43,
          '--link is not a one-time link of this daemon: %s' % ARGS.link)
    d = browser()
    d.get(ARGS.link)
    request_ready(d, ref)
    check(secret not in d.current_url, 'the secret stayed in the address')
    check(d.current_url.endswith('/console/#r/' + ref),
          'the link opened %s, not #r/%s' % (d.current_url, ref))
    check(shown(d, '#whoami'), 'signed in by the link, but no #whoami')
    no_number(d, 'the request opened by a link, before the claim')
    d2 = browser()
    d2.get(ARGS.link)
    wait(d2, lambda d: shown(d, '#signin') and shown(d, '#signin-message') and
         find(d, '#signin-message').text.strip(),
         'the sign-in screen with #signin-message for a used link')
    check(secret not in d2.current_url, 'a used secret stayed in the address')
    st, _, _ = http('POST', '/console/link', body={'t': secret})
    check(st == 410, 'a used link posted again got %d, not 410' % st)
    return [d, d2]


def header(h, name):
    return h.get(name) or ''


def s_headers():
    d = browser()
    sign_in(d, ARGS.token)
    queue_ready(d, 'all')
    jar = d.get_cookies()
    check(jar, 'the browser holds no cookie after sign-in')
    check(all(c.get('httpOnly') for c in jar), 'a cookie is not HttpOnly')
    cookie = '; '.join('%s=%s' % (c['name'], c['value']) for c in jar)

    st, h, _ = http('GET', '/api/requests', {'Cookie': cookie})
    check(st == 200, 'GET /api/requests with the cookie got %d' % st)
    check('no-store' in header(h, 'Cache-Control'),
          'the API answer has Cache-Control %r' % header(h, 'Cache-Control'))
    check(header(h, 'Content-Type').startswith('application/json'),
          'the API answer has Content-Type %r' % header(h, 'Content-Type'))
    st, h, _ = http('GET', '/api/requests')
    check(st == 401, 'GET /api/requests without a cookie got %d' % st)

    st, h, page = http('GET', '/console/', {'Cookie': cookie})
    check(st == 200, 'GET /console/ got %d' % st)
    csp = header(h, 'Content-Security-Policy')
    check("default-src 'self'" in csp, "/console/ CSP lacks default-src 'self': %r" % csp)
    check('unsafe-inline' not in csp and 'unsafe-eval' not in csp,
          '/console/ CSP allows unsafe-inline or unsafe-eval')
    check(b'<script>' not in page.lower() and b' style=' not in page.lower(),
          '/console/ has an inline script or style')

    st, h, b = http('POST', '/console/signin', body={'token': ARGS.token})
    check(st == 200, 'a direct POST /console/signin got %d' % st)
    cookies = h.get_all('Set-Cookie') or []
    check(cookies, 'the sign-in set no cookie')
    attrs = [a.strip().lower() for a in cookies[0].split(';')[1:]]
    for want in ('httponly', 'samesite=strict', 'path=/'):
        check(want in attrs, 'the session cookie lacks %s: %r' % (want, attrs))
    check('no-store' in header(h, 'Cache-Control'), 'the sign-in answer may be cached')
    try:
        j = json.loads(b)
    except ValueError:
        raise Fail('the sign-in answer is not JSON')
    check(j.get('csrf'), 'the sign-in answer has no csrf')

    st, h, _ = http('GET', '/console/console.js')
    check(st == 200, 'GET /console/console.js got %d' % st)
    etag = header(h, 'ETag')
    check(etag, '/console/console.js has no ETag')
    st, _, _ = http('GET', '/console/console.js', {'If-None-Match': etag})
    check(st == 304, 'If-None-Match on console.js got %d, not 304' % st)

    st, _, _ = http('POST', '/console/signin', body={'token': 'not-a-token-x'})
    check(st == 401, 'a wrong-token sign-in got %d, not 401' % st)
    wait(d, lambda d: shown(d, '#btn-signout'), '#btn-signout').click()
    wait(d, lambda d: shown(d, '#token'), 'the sign-in screen after sign-out')
    find(d, '#token').send_keys('not-a-token-y')
    find(d, '#signin-submit').click()
    wait(d, lambda d: shown(d, '#signin-error') and find(d, '#signin-error').text.strip(),
         '#signin-error after a wrong token')
    check(shown(d, '#signin'), 'a wrong token left the sign-in screen')
    return [d]


def s_supervisor():
    ref = ARGS.ref
    need('token2', 'supervisor_token')
    who2 = me(ARGS.token2)
    id2 = who2.get('id')
    check(id2, 'GET /api/me (TOKEN2) gave no id')
    got = api_json('POST', '/api/requests/%s/claim' % ref, ARGS.token, {})
    check(got.get('state') == 'claimed', 'counsellor 1 could not claim %s' % ref)

    d = browser()
    sign_in(d, ARGS.supervisor_token)
    wait(d, lambda d: shown(d, '#nav-overview'), '#nav-overview for the supervisor').click()
    wait(d, lambda d: shown(d, '#overview') and
         find(d, '#overview').get_attribute('aria-busy') == 'false',
         'the overview to load')
    check(shown(d, '#ov-duty'), 'the on-duty list (#ov-duty) is not shown')
    ov = api_json('GET', '/api/overview', ARGS.supervisor_token)
    duty = find(d, '#ov-duty').text
    for p in ov.get('on_duty') or []:
        check((p.get('name') or p.get('id')) in duty,
              '%s is on duty but not in #ov-duty' % (p.get('name') or p.get('id')))
    check(find(d, '#ov-duty li') is not None, '#ov-duty is empty')
    li = wait(d, lambda d: find(d, '#ov-claims li[data-ref="%s"]' % ref),
              '%s among the open claims' % ref)
    sel = li.find_element(By.CSS_SELECTOR, 'select.reassign-to')
    Select(sel).select_by_value(id2)
    li.find_element(By.CSS_SELECTOR, '.btn-reassign').click()

    def reassigned(_):
        r = api_json('GET', '/api/requests/' + ref, ARGS.token2)
        return r.get('claimed_by') == id2 and r.get('state') == 'claimed'
    wait(d, reassigned, '%s to be claimed by %s after the reassign' % (ref, id2))
    name2 = who2.get('name') or id2
    wait(d, lambda d: name2 in find(d, '#ov-claims li[data-ref="%s"]' % ref).text,
         'the overview to show %s with %s' % (ref, name2))
    return [d]


def s_lang():
    d = browser()
    sign_in(d, ARGS.token)
    queue_ready(d, 'all')
    check(html_lang(d) == 'km', 'the console does not start in Khmer')
    find(d, '#lang-en').click()
    wait(d, lambda d: html_lang(d) == 'en' and find(d, '#tab-all').text.strip() == 'All',
         'English after #lang-en')
    check(d.execute_script("return localStorage.getItem('hotlined.lang')") == 'en',
          'the choice is not in localStorage hotlined.lang')
    d.refresh()
    queue_ready(d, 'all')
    check(html_lang(d) == 'en', 'after a reload html lang is %r, not "en"' % html_lang(d))
    check(find(d, '#tab-mine').text.strip() == 'Mine', 'after a reload the tabs are not English')
    find(d, '#lang-km').click()
    wait(d, lambda d: html_lang(d) == 'km' and find(d, '#tab-all').text.strip() == KM_ALL,
         'Khmer after #lang-km')
    d.refresh()
    queue_ready(d, 'all')
    check(html_lang(d) == 'km', 'after a reload html lang is %r, not "km"' % html_lang(d))
    # The sign-in screen switches too.
    find(d, '#btn-signout').click()
    wait(d, lambda d: shown(d, '#signin'), 'the sign-in screen')
    find(d, '#lang-en').click()
    wait(d, lambda d: html_lang(d) == 'en' and find(d, '#signin-submit').text.strip() == 'Sign in',
         'English on the sign-in screen')
    find(d, '#lang-km').click()
    wait(d, lambda d: html_lang(d) == 'km', 'Khmer on the sign-in screen')
    return [d]


SCENARIOS = {'claim': s_claim, 'second': s_second, 'csrf': s_csrf,
             'expired': s_expired, 'headers': s_headers,
             'supervisor': s_supervisor, 'lang': s_lang, 'link': s_link}


def need(*names):
    for n in names:
        if not getattr(ARGS, n):
            raise Fail('this scenario needs --%s' % n.replace('_', '-'))


def main():
    global ARGS
    ap = argparse.ArgumentParser(description='Browser scenarios for the hotlined console.')
    ap.add_argument('scenario', choices=sorted(SCENARIOS))
    ap.add_argument('--url', required=True, help='http://127.0.0.1:PORT')
    ap.add_argument('--token', required=True, help="counsellor 1's token")
    ap.add_argument('--token2', help="counsellor 2's token")
    ap.add_argument('--supervisor-token', dest='supervisor_token', help="a supervisor's token")
    ap.add_argument('--ref', required=True, help='an urgent, unclaimed request')
    ap.add_argument('--number', required=True, help='the number to call for REF')
    ap.add_argument('--shots', default='.', help='directory for screenshots')
    ap.add_argument('--link', help="a one-time link from an alert to counsellor 1 about REF")
    ARGS = ap.parse_args()
    ARGS.url = ARGS.url.rstrip('/')
    u = urlsplit(ARGS.url)
    if u.scheme != 'http' or u.hostname != '127.0.0.1' or u.path:
        print('FAIL %s: --url must be http://127.0.0.1:PORT' % ARGS.scenario, file=sys.stderr)
        return 2
    os.makedirs(ARGS.shots, exist_ok=True)
    name = ARGS.scenario
    rc = 0
    try:
        drivers = SCENARIOS[name]()
        for i, d in enumerate(drivers or []):
            bad = console_problems(d)
            if bad:
                raise Fail('browser %d console: %s' % (i + 1, bad[0]))
        print('PASS %s' % name)
    except (Fail, WebDriverException, AssertionError) as e:
        why = str(e) if isinstance(e, Fail) else '%s: %s' % (
            type(e).__name__, getattr(e, 'msg', None) or e)
        print('FAIL %s: %s' % (name, ' '.join(why.split())), file=sys.stderr)
        for i, d in enumerate(DRIVERS):
            try:
                d.save_screenshot(os.path.join(
                    ARGS.shots, 'fail-%s%s.png' % (name, '' if i == 0 else '-%d' % (i + 1))))
            except WebDriverException:
                pass
        rc = 1
    finally:
        for d in DRIVERS:
            try:
                d.quit()
            except WebDriverException:
                pass
    return rc


if __name__ == '__main__':
    sys.exit(main())
