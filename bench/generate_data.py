#!/usr/bin/python3
"""Writes synthetic podmeta data as tab-separated files for PostgreSQL COPY:
podcasts.tsv, episodes.tsv, chapters.tsv, in the column order of
migration 0001 (chapters then carry migration 0009's chapter_id). Titles mix
English, Polish and Spanish words and emoji, and every podcast has PART
headings, so search and Unicode paths are exercised.
Like core.py's page, many episodes have no chapters (half of them here); the
others have 1-40, about 10 an episode on average.

With --show-pages, writes show pages instead (show-page-N.txt, the shape of
examples/data/core-py.txt) for the bulk-import benchmark.

    generate_data.py OUT_DIR --podcasts N --episodes-per-podcast M [--seed S]
    generate_data.py OUT_DIR --show-pages N --episodes-per-podcast M [--seed S]
"""
import argparse
import datetime
import json
import os
import random
import uuid

WORDS = ("python interpreter parser free threading pyrepl garbage collector memory allocator tier jit "
         "compiler bytecode release sprint conference keynote subinterpreters typing asyncio pattern "
         "matching exceptions dataclasses pathlib sqlite unicode łukasz poznań giménez chrząszcz żółw "
         "año señal música café 🐍 🎙️ the of and in on with for about").split()


def title(rng, words=5):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, words))).capitalize()


def escape(value):
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


# A chapter's id as the server makes them (domain::NewChapterId).
CHAPTER_ID_LETTERS = "abcdefghijkmnpqrstuvwxyz23456789"


def chapter_count(rng):
    return 0 if rng.random() < 0.5 else rng.randint(1, 40)


def show_page(rng, number, episodes):
    """A show page with `episodes` episodes, newest first."""
    lines = [f"Import show {number}", "Łukasz Langa and Pablo Galindo",
             f"{title(rng, 12)}. Episodes about {title(rng, 6).lower()}.", "Episodes", ""]
    for e in range(episodes, 0, -1):
        minutes = rng.randint(20, 120)
        if rng.random() < 0.2:
            lines.append(f"{rng.randint(1, 30)} snips")
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=e)
        length = f"{minutes // 60}h {minutes % 60}min" if minutes >= 60 else f"{minutes}min"
        lines.append(f"{day.strftime('%b')} {day.day}, {day.year} • {length}")
        lines.append(f"Episode {e}: {title(rng, 8)}")
        lines.append(" ".join(title(rng, 12) + "." for _ in range(4)))
        count = chapter_count(rng)
        if count:
            lines.append("## Outline")
            start = 0
            for c in range(count):
                heading = c > 0 and rng.random() < 0.1
                lines.append(f"({start // 3600:02}:{start // 60 % 60:02}:{start % 60:02}) "
                             + (f"PART {c}: {title(rng, 3)}" if heading else title(rng, 7)))
                start += rng.randint(30, max(31, minutes * 60 // count))
                if start >= minutes * 60:
                    break
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--podcasts", type=int, default=1)
    parser.add_argument("--episodes-per-podcast", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show-pages", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    if args.show_pages:
        for number in range(args.show_pages):
            with open(os.path.join(args.out, f"show-page-{number}.txt"), "w", encoding="utf-8") as page:
                page.write(show_page(rng, number, args.episodes_per_podcast))
        print(f"{args.show_pages} show pages of {args.episodes_per_podcast} episodes in {args.out}")
        return
    chapters_written = 0
    with open(os.path.join(args.out, "podcasts.tsv"), "w", encoding="utf-8") as podcasts, \
            open(os.path.join(args.out, "episodes.tsv"), "w", encoding="utf-8") as episodes, \
            open(os.path.join(args.out, "chapters.tsv"), "w", encoding="utf-8") as chapters:
        for p in range(args.podcasts):
            podcast_id = f"show-{p}"
            people = json.dumps([{"display_name": "Łukasz Langa", "role": 1, "uri": ""}], ensure_ascii=False)
            podcasts.write("\t".join([podcast_id, str(uuid.UUID(int=rng.getrandbits(128))), f"Show {p}",
                                      escape(title(rng, 12)), people, "en", "", ""]) + "\n")
            for e in range(args.episodes_per_podcast):
                duration_ms = rng.randint(20, 120) * 60_000
                publish = (datetime.datetime(2010, 1, 1) + datetime.timedelta(hours=e)).strftime("%Y-%m-%dT%H:%M:%SZ")
                episodes.write("\t".join([
                    podcast_id, str(e + 1), str(uuid.UUID(int=rng.getrandbits(128))), str(e + 1), "\\N", "1",
                    escape(title(rng, 8)), escape(" ".join(title(rng, 12) for _ in range(4))),
                    f"{publish}", str(duration_ms), "[]", str(rng.randint(0, 20))]) + "\n")
                count = chapter_count(rng)
                start = 0
                part = ""
                for c in range(count):
                    chapter_title = title(rng, 7)
                    if c > 0 and rng.random() < 0.1:
                        part = f"PART {c}: {title(rng, 3)}"
                        chapter_title = part
                    chapter_id = "".join(rng.choice(CHAPTER_ID_LETTERS) for _ in range(10))
                    chapters.write("\t".join([podcast_id, str(e + 1), str(c), str(start), "\\N",
                                              escape(chapter_title), "", "", "t", escape(part), chapter_id]) + "\n")
                    chapters_written += 1
                    start += rng.randint(30, max(31, duration_ms // 1000 // max(count, 1))) * 1000
                    if start >= duration_ms:
                        break
    print(f"{args.podcasts} podcasts, {args.podcasts * args.episodes_per_podcast} episodes, "
          f"{chapters_written} chapters in {args.out}")


if __name__ == "__main__":
    main()
