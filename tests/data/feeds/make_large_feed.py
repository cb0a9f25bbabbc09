#!/usr/bin/env python3
"""Print a large, well-formed, deterministic podcast RSS feed to stdout.

Invented test data for podmeta's tests (stdlib only, no randomness).

Usage:
    python3 make_large_feed.py [--items N] [--seasons S] > large.xml
    python3 make_large_feed.py --show-page [--items N] > large.txt

--show-page prints the same episodes as a show page (the core.py shape) for
the benchmark that compares the two imports: the same titles, dates and
chapters; durations rounded up to the minute and numbers 1..N (a show page
has no seasons).

Items are numbered i = 0 .. N-1 in document order (oldest first):
  * guid        "cn-large-%05d" % i (isPermaLink="false")
  * pubDate     2015-01-05 09:00:00 +0000 plus i days (RFC 822)
  * season      i // ceil(N / S) + 1; episode numbers restart at 1 each season
  * duration    1800 + (i * 37) % 3600 seconds, written as plain seconds,
                MM:SS or H:MM:SS depending on i % 3
  * content:encoded holds 6 timestamp lines "MM:SS Topic k" (k = 1..6) at
                (k-1)*5 minutes + (i % 60) seconds, all below the duration.
"""
import argparse
import datetime
import math
import sys
from xml.sax.saxutils import escape, quoteattr

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
START = datetime.datetime(2015, 1, 5, 9, 0, 0)
TOPICS = ["Lexing", "Parsing", "Type checking", "SSA", "Inlining",
          "Register allocation", "Linking", "Debug info"]


def rfc822(dt):
    return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (
        DAYS[dt.weekday()], dt.day, MONTHS[dt.month - 1], dt.year,
        dt.hour, dt.minute, dt.second)


def fmt_duration(seconds, style):
    if style == 0:
        return str(seconds)
    if style == 1:
        return "%d:%02d" % (seconds // 60, seconds % 60)
    return "%d:%02d:%02d" % (seconds // 3600, (seconds // 60) % 60, seconds % 60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=1000)
    ap.add_argument("--seasons", type=int, default=4)
    ap.add_argument("--show-page", action="store_true")
    args = ap.parse_args()
    if args.show_page:
        return show_page(max(0, args.items))
    n = max(0, args.items)
    s = max(1, args.seasons)
    per_season = max(1, math.ceil(n / s)) if n else 1

    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8"?>')
    w('<rss version="2.0"')
    w('     xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"')
    w('     xmlns:podcast="https://podcastindex.org/namespace/1.0"')
    w('     xmlns:content="http://purl.org/rss/1.0/modules/content/"')
    w('     xmlns:atom="http://www.w3.org/2005/Atom">')
    w('  <channel>')
    w('    <title>Compiler Nights: The Archive</title>')
    w('    <link>https://compilernights.example/archive</link>')
    w('    <description>A synthetic %d-item archive feed. Invented test data for podmeta.</description>' % n)
    w('    <language>en-us</language>')
    w('    <atom:link rel="self" type="application/rss+xml" href="https://feeds.example.com/compiler-nights-archive.xml"/>')
    w('    <itunes:author>Ada Quill &amp; Ravi Marchetti</itunes:author>')
    w('    <itunes:image href="https://compilernights.example/art/archive-3000.jpg"/>')
    w('    <itunes:category text="Technology"/>')
    w('    <itunes:type>serial</itunes:type>')
    w('    <itunes:explicit>false</itunes:explicit>')
    w('    <podcast:guid>9a1c4e2b-7d3f-5b6a-8c9d-1e2f3a4b5c6d</podcast:guid>')
    w('    <podcast:medium>podcast</podcast:medium>')
    for i in range(n):
        season = i // per_season + 1
        episode = i % per_season + 1
        dur = 1800 + (i * 37) % 3600
        dt = START + datetime.timedelta(days=i)
        title = "S%dE%d: %s, part %d" % (season, episode, TOPICS[i % len(TOPICS)], i + 1)
        lines = []
        for k in range(1, 7):
            t = (k - 1) * 300 + (i % 60)
            lines.append("%02d:%02d Topic %d" % (t // 60, t % 60, k))
        notes = "<p>Episode %d of the archive.</p>\n<p>%s</p>" % (i + 1, "<br>\n".join(lines))
        w('    <item>')
        w('      <title>%s</title>' % escape(title))
        w('      <guid isPermaLink="false">cn-large-%05d</guid>' % i)
        w('      <pubDate>%s</pubDate>' % rfc822(dt))
        w('      <link>https://compilernights.example/archive/%05d</link>' % i)
        w('      <enclosure url=%s length="%d" type="audio/mpeg"/>'
          % (quoteattr("https://media.example.com/compiler-nights/archive/%05d.mp3" % i), dur * 16000))
        w('      <itunes:duration>%s</itunes:duration>' % fmt_duration(dur, i % 3))
        w('      <itunes:episodeType>full</itunes:episodeType>')
        w('      <itunes:season>%d</itunes:season>' % season)
        w('      <itunes:episode>%d</itunes:episode>' % episode)
        w('      <itunes:explicit>%s</itunes:explicit>' % ("true" if i % 10 == 0 else "false"))
        w('      <description>%s</description>' % escape("Archive episode %d about %s." % (i + 1, TOPICS[i % len(TOPICS)].lower())))
        w('      <content:encoded><![CDATA[%s]]></content:encoded>' % notes)
        w('    </item>')
    w('  </channel>')
    w('</rss>')
    sys.stdout.write("\n".join(out) + "\n")


def show_page(n):
    full_months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"]
    out = ["Compiler Nights: The Archive", "Ada Quill and Ravi Marchetti",
           "A synthetic %d-episode archive. Invented test data for podmeta." % n, ""]
    for i in range(n):
        dur = 1800 + (i * 37) % 3600
        minutes = (dur + 59) // 60
        dt = START + datetime.timedelta(days=i)
        length = "%dh %dmin" % (minutes // 60, minutes % 60) if minutes >= 60 else "%dmin" % minutes
        out.append("%s %d, %d \u2022 %s" % (full_months[dt.month - 1][:3], dt.day, dt.year, length))
        out.append("Episode %d: %s, part %d" % (i + 1, TOPICS[i % len(TOPICS)], i + 1))
        out.append("Archive episode %d about %s." % (i + 1, TOPICS[i % len(TOPICS)].lower()))
        out.append("## Outline")
        for k in range(1, 7):
            t = (k - 1) * 300 + (i % 60)
            out.append("(00:%02d:%02d) Topic %d" % (t // 60, t % 60, k))
        out.append("")
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
