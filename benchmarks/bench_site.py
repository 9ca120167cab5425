"""The public site's feedback loop.

1. Redirect overhead per click: GET /l/<code> (look the code up, count the click, 302) against a plain
   Django view answering the same 302 with no database, both through the whole middleware stack in one
   process, interleaved in blocks in the same run. Robots' requests (no write) are timed as well.
2. Headline A/B winner detection on simulated traffic: two headlines, a base click-through and a true
   relative lift; the decision rule of apps.site.stats run the way the beat tick runs it (a look every
   `--look` views per headline, after `min_impressions`), until it is confident. Reported: views needed,
   how often the right headline won, and the false-winner rate with no lift (an A/A test), against the
   textbook fixed-horizon sample size (two-sided alpha 0.05, power 0.8).
3. The same through the real site: simulated readers (a random cookie each) viewing the article list and
   opening from it with the true rates, the beat tick applying the winner.

    .venv/bin/python -m benchmarks.bench_site [--clicks 3000] [--runs 300]
"""

from __future__ import annotations

import argparse
import os
import secrets
import time

import numpy as np

from ._common import django_setup, percentile, record

DATABASE = "trendoscope_bench_site"
REDIS_URL = "redis://127.0.0.1:6379/8"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def plain_redirect(request):
    from django.http import HttpResponseRedirect

    return HttpResponseRedirect("https://news.example/articles/a/?utm_source=mastodon&utm_medium=social")


def _urlpatterns():
    from django.urls import path

    from config.urls import urlpatterns

    return [path("bench-plain/", plain_redirect), *urlpatterns]


urlpatterns: list = []


def setup() -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ["DJANGO_DEBUG"] = "0"
    django_setup(database=DATABASE)
    urlpatterns[:] = _urlpatterns()


def world():
    from apps.accounts.models import Membership, User, Workspace

    workspace, _ = Workspace.objects.get_or_create(slug="bench-site", defaults={"name": "Bench site"})
    user, _ = User.objects.get_or_create(username="bench-site-publisher")
    Membership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": "publisher"})
    return workspace, user


def bench_redirect(*, clicks: int, block: int = 100, conn_max_age: int = 0) -> dict:
    """conn_max_age 0 (the default DB_CONN_MAX_AGE): every request opens its own database connection."""
    from django.db import connection
    from django.test import Client, override_settings

    from apps.site.models import TrackedLink

    workspace, _user = world()
    TrackedLink.objects.filter(workspace=workspace).delete()
    link = TrackedLink.objects.create(
        code="BenchL1k", workspace=workspace, target_url="https://news.example/articles/a/?utm_source=mastodon"
    )
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = conn_max_age
    client = Client(HTTP_USER_AGENT=FIREFOX)
    times: dict[str, list[float]] = {"tracked": [], "plain": [], "robot": []}
    targets = {"tracked": "/l/BenchL1k", "plain": "/bench-plain/", "robot": "/l/BenchL1k"}
    with override_settings(ROOT_URLCONF=__name__):
        for _warm in range(50):
            client.get("/l/BenchL1k")
            client.get("/bench-plain/")
        TrackedLink.objects.filter(pk=link.pk).update(clicks=0)
        for _round in range(max(1, clicks // block)):
            for kind in ("tracked", "plain", "robot"):
                extra = {"HTTP_USER_AGENT": "Twitterbot/1.0"} if kind == "robot" else {}
                for _ in range(block):
                    start = time.perf_counter()
                    response = client.get(targets[kind], **extra)
                    times[kind].append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 302
    link.refresh_from_db()
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = 0
    return {"times": times, "counted": link.clicks, "conn_max_age": conn_max_age}


def simulate(*, base: float, lift: float, runs: int, look: int, min_views: int, cap: int, method: str, seed: int):
    """Views per headline until the rule is confident (or `cap`), over `runs` simulated tests."""
    from apps.site.stats import Arm, decide

    rng = np.random.default_rng(seed)
    rates = (base, base * (1 + lift))
    needed, right, decided = [], 0, 0
    for _ in range(runs):
        clicks = [0, 0]
        views = 0
        while views < cap:
            views += look
            clicks = [c + int(rng.binomial(look, r)) for c, r in zip(clicks, rates, strict=True)]
            if views < min_views:
                continue
            rule = "ztest" if method == "plain-z" else method
            d = decide([Arm(views, clicks[0]), Arm(views, clicks[1])], method=rule, level=0.95, draws=4000)
            confident = d.significant
            if method == "plain-z":
                confident = 1 - max(p for p in d.p_values if p is not None) >= 0.95
            if confident:
                decided += 1
                right += d.leader == 1
                needed.append(views)
                break
    return {"needed": needed, "right": right, "decided": decided, "runs": runs}


def through_the_site(*, base: float, lift: float, max_readers: int, tick_every: int, seed: int) -> dict:
    """Readers with fresh cookies view the article list and open from it with the true rates."""
    from django.test import Client

    from apps.posts.models import Post, PostState
    from apps.site.headlines import headline_test_create, headline_tests_tick
    from apps.site.models import ArticlePage, HeadlineTest
    from apps.site.services import site_publish_post
    from apps.site.teasers import VISITOR_COOKIE

    workspace, user = world()
    ArticlePage.objects.filter(source_post_id__in=Post.objects.filter(workspace=workspace).values("pk")).delete()
    Post.objects.filter(workspace=workspace).delete()
    post = Post.objects.create(workspace=workspace, title="Реки выходят из берегов", state=PostState.APPROVED)
    page = site_publish_post(post_id=post.pk, title=post.title, excerpt="Паводок 🌊", body_html="<p>…</p>")
    test = headline_test_create(user=user, page=page, headlines=["欧洲河流水位上涨"], min_impressions=200)
    variants = list(test.variants.order_by("position"))
    rate = {variants[0].headline: base, variants[1].headline: base * (1 + lift)}
    rng = np.random.default_rng(seed)
    index_url = page.get_parent().url
    readers = 0
    started = time.perf_counter()
    while readers < max_readers:
        readers += 1
        client = Client(HTTP_USER_AGENT=FIREFOX)
        client.cookies[VISITOR_COOKIE] = secrets.token_hex(16)
        html = client.get(index_url).content.decode()
        shown = next(h for h in rate if h in html)
        if rng.random() < rate[shown]:
            client.get(f"{page.url}?from=list")
        if readers % tick_every == 0 and headline_tests_tick():
            break
    elapsed = time.perf_counter() - started
    test = HeadlineTest.objects.get(pk=test.pk)
    counts = [(v.headline, v.impressions, v.clicks) for v in test.variants.order_by("position")]
    return {
        "readers": readers,
        "state": test.state,
        "winner": test.winner.headline if test.winner else "",
        "confidence": test.confidence,
        "counts": counts,
        "true_winner": variants[1].headline,
        "seconds": elapsed,
    }


def _redirect_section(result: dict) -> str:
    t = result["times"]
    p = {k: (percentile(v, 50), percentile(v, 95), percentile(v, 99)) for k, v in t.items()}
    n = len(t["tracked"])
    mode = (
        "a new database connection per request (DB_CONN_MAX_AGE=0, the default)"
        if not result["conn_max_age"]
        else f"persistent database connections (DB_CONN_MAX_AGE={result['conn_max_age']})"
    )
    lines = [
        f"#### {mode}",
        "",
        "| request | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|",
        f"| plain Django view, 302 (baseline) | {p['plain'][0]:.2f} | {p['plain'][1]:.2f} | {p['plain'][2]:.2f} |",
        f"| /l/<code>, person (lookup + counted UPDATE + 302) | {p['tracked'][0]:.2f} | {p['tracked'][1]:.2f} "
        f"| {p['tracked'][2]:.2f} |",
        f"| /l/<code>, robot (lookup, not counted) | {p['robot'][0]:.2f} | {p['robot'][1]:.2f} | {p['robot'][2]:.2f} |",
        "",
        f"- overhead of a counted click at p95: **{p['tracked'][1] - p['plain'][1]:.2f} ms** "
        f"(x{p['tracked'][1] / p['plain'][1]:.2f} of the plain view); robots: "
        f"{p['robot'][1] - p['plain'][1]:.2f} ms (x{p['robot'][1] / p['plain'][1]:.2f})",
        f"- clicks counted: {result['counted']} of {n} person requests (robots: 0 of {n})",
    ]
    return "\n".join(lines)


def _ab_section(rows: list[dict], aa: list[dict], site: dict, *, look: int, min_views: int) -> str:
    lines = [
        "### Headline A/B: views needed to find the winner (simulated traffic)",
        "",
        f"Two headlines, the rule of `apps.site.stats.decide` at 95 % looked at every {look} views per headline "
        f"from {min_views} on (as the beat tick does), until confident or 20x the textbook size. ztest = the "
        "sequential (mSPRT, always-valid) two-proportion z-test the app uses; plain-z = a fixed-horizon z-test "
        "looked at as often (what not to do); bayes = chance to be best >= 95 %. Textbook: fixed-horizon "
        "two-sided two-proportion test, alpha 0.05, power 0.8, views per headline, looked at once.",
        "",
        "| method | base CTR | lift | textbook n | decided | right winner | median n | p80 n | median / textbook |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        med = percentile(r["needed"], 50) if r["needed"] else float("nan")
        p80 = percentile(r["needed"], 80) if r["needed"] else float("nan")
        lines.append(
            f"| {r['method']} | {r['base']:.0%} | +{r['lift']:.0%} | {r['textbook']} | "
            f"{r['decided']}/{r['runs']} | {r['right']}/{r['decided']} | {med:.0f} | {p80:.0f} | "
            f"{med / r['textbook']:.2f} |"
        )
    lines += ["", "False winners with no lift (A/A, same rule and looks, capped at the textbook n of +20 %):", ""]
    for r in aa:
        lines.append(
            f"- {r['method']}: {r['decided']}/{r['runs']} tests declared a winner ({r['decided'] / r['runs']:.0%})"
        )
    lines += [
        "",
        "Through the real site (fresh cookie per reader, list view = impression, open from the list = click, "
        "the beat tick deciding every 100 readers):",
        "",
        f"- true CTRs {site['base']:.0%} vs {site['base'] * (1 + site['lift']):.1%} (+{site['lift']:.0%}): "
        f"{site['readers']} readers in {site['seconds']:.0f} s; state {site['state']}, "
        f"winner {'the right one' if site['winner'] == site['true_winner'] else repr(site['winner'])}, "
        f"confidence {site['confidence'] or 0:.4f}",
        "- counted (headline, views, opens): " + "; ".join(f"{h[:12]}… {i} / {c}" for h, i, c in site["counts"]),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clicks", type=int, default=3000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--look", type=int, default=100)
    parser.add_argument("--min-views", type=int, default=200)
    parser.add_argument("--readers", type=int, default=6000)
    args = parser.parse_args()
    setup()
    from apps.site.stats import textbook_sample_size

    redirects = [bench_redirect(clicks=args.clicks), bench_redirect(clicks=args.clicks, conn_max_age=60)]
    rows = []
    for method in ("ztest", "plain-z", "bayes"):
        for base, lift in ((0.05, 0.2), (0.05, 0.5), (0.10, 0.2)):
            textbook = textbook_sample_size(base_rate=base, lift=lift)
            sim = simulate(
                base=base,
                lift=lift,
                runs=args.runs,
                look=args.look,
                min_views=args.min_views,
                cap=20 * textbook,
                method=method,
                seed=11,
            )
            rows.append({"method": method, "base": base, "lift": lift, "textbook": textbook, **sim})
    aa = []
    for method in ("ztest", "plain-z", "bayes"):
        cap = textbook_sample_size(base_rate=0.05, lift=0.2)
        sim = simulate(
            base=0.05,
            lift=0.0,
            runs=args.runs,
            look=args.look,
            min_views=args.min_views,
            cap=cap,
            method=method,
            seed=5,
        )
        aa.append({"method": method, **sim})
    site = {"base": 0.05, "lift": 1.0}
    site.update(through_the_site(base=0.05, lift=1.0, max_readers=args.readers, tick_every=100, seed=3))
    intro = (
        "### Redirect overhead per click\n\n"
        f"{args.clicks} requests of each kind through Django's test client (the whole middleware stack with its "
        "request logging, one process), interleaved in blocks of 100; PostgreSQL and Redis local, on a machine "
        "shared with other jobs (the p95 of even the plain view shows it). A counted click is one UPDATE "
        "committed with synchronous_commit off (apps.site.links.count_click)."
    )
    body = (
        "\n\n".join([intro, *(_redirect_section(r) for r in redirects)])
        + "\n\n"
        + _ab_section(rows, aa, site, look=args.look, min_views=args.min_views)
    )
    record(
        "site",
        f"python -m benchmarks.bench_site --clicks {args.clicks} --runs {args.runs} --look {args.look} "
        f"--min-views {args.min_views} --readers {args.readers}",
        body,
    )


if __name__ == "__main__":
    main()
