"""`cmtui generate`: a synthetic community database for scale tests (no TUI).

The file is built beside the target and renamed into place at the end, so an interrupted
run never leaves a half database at the path. Everything derives from random.Random(seed)
and times are relative to `now`, so a fixed seed and `now` give the same content.
"""

from __future__ import annotations

import itertools
import math
import os
import random
import re
import time
import unicodedata
from datetime import datetime
from pathlib import Path

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.model import utcnow
from cmtui.store.base import dumps
from cmtui.store.bulk import BulkWriter
from cmtui.store.db import connect
from cmtui.sync.connectors import DEFAULT_PLATFORM

BATCH = 50_000
DAY, WEEK = 86_400, 7 * 86_400

LANGS, LANG_WEIGHTS = ("en", "es", "fr", "sl", "de"), (50, 20, 15, 10, 5)
KINDS, KIND_WEIGHTS = ("mention", "reply", "direct"), (55, 35, 10)
INTENTS, INTENT_WEIGHTS = ("question", "bug", "feature", "praise", "spam"), (34, 25, 18, 21.8, 1.2)
FOLLOW_UP = {"question": "extra", "bug": "extra", "feature": "kind", "praise": "kind", "spam": "spam"}
ACCOUNTS = (  # name, host, user, display name, share of the inbox
    ("tidewater", "social.tidewater.example", "tidewater", "Tidewater Notes", 60),
    ("tidewater_es", "social.tidewater.example", "tidewater_es", "Tidewater en español", 25),
    ("tidewater_dev", "devs.example", "tidewaterdev", "Tidewater Dev", 15),
)
TEAM = ("ana", "luka", "marie", "sam")
LABELS = {  # per intent, so that labels agree with the text
    "question": [["question"], ["question", "sync"], ["question", "docs"], ["question", "billing"],
                 ["question", "android"], ["question", "ios"]],
    "bug": [["bug"], ["bug", "sync"], ["bug", "android"], ["bug", "ios"]],
    "feature": [["feature-request"], ["feature-request", "android"], ["feature-request", "docs"]],
    "praise": [["praise"]], "spam": [["billing"]],
}
HOSTS = ("commons.example", "social.example", "devs.example", "plaza.example", "harbor.example",
         "chirp.example", "chaos.example", "mesa.example", "floss.example", "techhub.example", "infosec.example")
FIRST = ("Ana", "Luka", "Marie", "Sam", "Noah", "Emma", "Mateo", "Lucía", "Chloé", "Hugo", "Nina", "Jan",
         "Eva", "Tim", "Sofia", "Liam", "Mia", "Ivan", "Zoe", "Omar", "Aiko", "Ravi", "Lena", "Felix",
         "Maja", "Tilen", "Inès", "Pablo", "Greta", "Yusuf", "Alba", "Nora", "Kai", "Elif", "Theo", "Vera")
LAST = ("Novak", "García", "Martin", "Müller", "Horvat", "Smith", "Dubois", "Rossi", "Kovač", "López",
        "Schmidt", "Bernard", "Jones", "Krajnc", "Fernández", "Weber", "Petit", "Tanaka", "Singh", "Berg")
VERSIONS = ("4.2", "4.2.1", "4.3", "4.3.2", "4.4", "5.0 beta", "5.0.1")
_FIRST_LETTER = re.compile(r"^(\W*)(\w)")
DEVICES = ("Android", "iOS", "iPadOS", "Windows", "macOS", "Linux", "ChromeOS")

# Phrases of a note-taking app's community; {f} feature, {d} device, {n} number, {v} version.
# Only questions carry a '?', and no other sentence starts with a word that
# cmtui.triage.is_question reads as a question opener: so is_question is just '?' in text.
PHRASES = {
    "en": dict(
        f=("sync", "search", "tagging", "PDF export", "offline mode", "dark mode", "backlink preview",
           "handwriting input", "web clipping", "note sharing", "table editing", "calendar view", "encryption"),
        d=DEVICES, n=("2", "3", "5", "10", "40", "200", "1,000"),
        question=("How do I get {f} working on {d}?", "Is there a way to use {f} without an account?",
                  "Does {f} work offline on {d}?", "Why is {f} so slow with {n} notes?", "When is {f} coming to {d}?",
                  "Where did {f} go in {v}?", "Any tips for organising {n} notebooks with {f}?"),
        bug=("Since {v}, {f} crashes every time I open it on {d}.", "{f} is broken on {d} after updating to {v}.",
             "Lost {n} notes after a sync conflict on {d}.", "The app freezes whenever {f} runs on {d}.",
             "Bug report: {f} duplicates my notes on {d}."),
        feature=("Please add {f} to the {d} app.", "It would be great if {f} worked with Markdown files.",
                 "Feature request: let {f} handle {n} notebooks at once.",
                 "Would love better {f} and a proper widget on {d}."),
        praise=("Just moved {n} notes over and {f} is fantastic.", "Loving the new {f} in {v}!",
                "Thank you for {f}, it saved my thesis.", "{f} on {d} is so smooth now, great work!"),
        extra=("Thanks in advance!", "Using {v} on {d}.", "This started after the last update.", "Any ideas?",
               "Happy to send logs.", "Same thing happens on {d}."),
        kind=("Keep up the good work.", "You folks rock.", "Thanks for listening!"),
        spam=("Earn $500 a day from home, DM me for the link!!!",
              "Cheap followers and likes: https://followers.spam.example/{n}",
              "Crypto giveaway: send 0.1 BTC and get {n}x back!",
              "Hot deals for {d} users: https://click.spam.example/{n}"),
    ),
    "es": dict(
        f=("la sincronización", "la búsqueda", "la exportación a PDF", "el modo sin conexión", "el modo oscuro",
           "el editor de tablas", "la vista de calendario", "el cifrado", "el widget", "el recorte web"),
        d=DEVICES, n=("2", "3", "5", "10", "40", "200", "1.000"),
        question=("¿Cómo hago que {f} funcione en {d}?", "¿Por qué {f} va tan lento con {n} notas?",
                  "¿{f} funciona sin conexión en {d}?", "¿Cuándo llega {f} a {d}?",
                  "¿Dónde está {f} en la versión {v}?"),
        bug=("Desde la versión {v}, {f} se cierra solo en {d}.",
             "{f} no funciona en {d} después de actualizar a {v}.",
             "Perdí {n} notas por un conflicto de sincronización en {d}.",
             "La app se congela cuando uso {f} en {d}."),
        feature=("Me encantaría que {f} llegara también a {d}.",
                 "Propuesta: que {f} funcione con {n} libretas a la vez."),
        praise=("¡Me encanta cómo funciona {f} en la {v}!", "Acabo de pasar {n} notas y {f} va genial.",
                "Gracias por {f}, me salvó la tesis."),
        extra=("¡Gracias de antemano!", "Uso la versión {v} en {d}.", "Empezó con la última actualización.",
               "¿Alguna idea?", "Os puedo mandar los registros."),
        kind=("¡Seguid así!", "¡Sois geniales!"),
    ),
    "fr": dict(
        f=("la synchro", "la recherche", "l'export PDF", "le mode hors ligne", "le mode sombre",
           "l'éditeur de tableaux", "la vue calendrier", "le chiffrement", "le widget", "le partage de carnets"),
        d=DEVICES, n=("2", "3", "5", "10", "40", "200", "1 000"),
        question=("Comment faire marcher {f} sur {d} ?", "Est-ce que {f} fonctionne hors ligne sur {d} ?",
                  "Pourquoi {f} rame autant avec {n} notes ?", "Quand est-ce que {f} arrive sur {d} ?"),
        bug=("Depuis la {v}, {f} plante à chaque ouverture sur {d}.",
             "Après la mise à jour {v}, {f} ne marche plus sur {d}.",
             "J'ai perdu {n} notes après un conflit de synchro sur {d}.",
             "L'appli se fige dès que j'utilise {f} sur {d}."),
        feature=("Ce serait génial d'avoir {f} sur {d}.", "Suggestion : que {f} gère {n} carnets à la fois."),
        praise=("Bravo pour {f} dans la {v}, c'est top !", "Je viens d'importer {n} notes et {f} marche à merveille.",
                "Merci pour {f}, vous m'avez sauvé la vie."),
        extra=("Merci d'avance !", "Je suis sur la {v} sous {d}.", "Ça a commencé avec la dernière mise à jour.",
               "Une idée ?", "Je peux envoyer les logs."),
        kind=("Continuez comme ça !", "Merci pour tout !"),
    ),
    "sl": dict(
        f=("sinhronizacija", "iskanje", "izvoz v PDF", "temni način", "način brez povezave", "urejanje tabel",
           "koledarski pogled", "šifriranje", "pripomoček", "deljenje zvezkov"),
        d=("Androidu", "iOS-u", "iPadu", "Windowsih", "macOS-u", "Linuxu", "Chromebooku"),  # locative, after "na"
        n=("5", "10", "20", "50", "200", "1000"),  # numbers that take the genitive plural
        question=("Kako nastavim, da {f} deluje na {d}?", "Ali {f} deluje tudi brez povezave na {d}?",
                  "Zakaj {f} traja tako dolgo pri {n} zapiskih?", "Kdaj bo {f} na voljo na {d}?",
                  "Kje je {f} v različici {v}?"),
        bug=("Od različice {v} {f} na {d} ne deluje več.", "Po posodobitvi na {v} se {f} na {d} sesuje.",
             "Zaradi konflikta pri sinhronizaciji sem izgubil {n} zapiskov.",
             "Aplikacija zmrzne, ko se na {d} vklopi {f}."),
        feature=("Prosim, naj bo {f} na voljo tudi na {d}.", "Predlog: {f} naj podpira {n} zvezkov hkrati."),
        praise=("Pravkar sem prenesel {n} zapiskov in {f} deluje odlično.", "{f} v različici {v} je super, bravo!",
                "Hvala, {f} mi res olajša delo."),
        extra=("Hvala vnaprej!", "Uporabljam {v} na {d}.", "Težava se je začela po zadnji posodobitvi.",
               "Kakšna ideja?", "Dnevnike vam lahko pošljem."),
        kind=("Kar tako naprej!", "Hvala za ves trud!"),
    ),
    "de": dict(
        f=("die Synchronisierung", "die Suche", "der PDF-Export", "der Offline-Modus", "der Dunkelmodus",
           "der Tabelleneditor", "die Kalenderansicht", "die Verschlüsselung", "das Widget"),
        d=DEVICES, n=("2", "3", "5", "10", "40", "200", "1.000"),
        question=("Warum funktioniert {f} auf {d} nicht?", "Geht {f} auch offline auf {d}?", "Wann kommt {f} für {d}?",
                  "Warum ist {f} mit {n} Notizen so langsam?"),
        bug=("Seit {v} stürzt {f} auf {d} ständig ab.", "Nach dem Update auf {v} geht {f} auf {d} nicht mehr.",
             "Habe {n} Notizen durch einen Sync-Konflikt verloren."),
        feature=("Wäre super, wenn {f} auch auf {d} verfügbar wäre.",),
        praise=("{f} in {v} ist großartig, danke!", "Gerade {n} Notizen umgezogen und {f} läuft perfekt."),
        extra=("Danke im Voraus!", "Nutze {v} auf {d}.", "Das Problem begann mit dem letzten Update.",
               "Jemand eine Idee?", "Logs kann ich gerne schicken."),
        kind=("Weiter so!", "Danke für eure Arbeit!"),
    ),
}
VULGAR = {"en": ("This is total crap.", "crap"), "es": ("Qué mierda de actualización.", "mierda"),
          "fr": ("C'est de la merde.", "merde"), "sl": ("To je sranje.", "sranje"), "de": ("So ein Mist.", "Mist")}
POSTS = (  # calendar entries of our own accounts
    "Tip of the week: press Ctrl+K to jump to any note.", "Tidewater {v} is out with faster {f}. Update now!",
    "Community call on Thursday: bring your questions about {f}.", "New in the docs: a guide to {f} on {d}.",
    "How do you organise your notes? Share your setup with #TidewaterSetup",
    "Maintenance tonight at 22:00 UTC: sync may pause for 15 minutes.",
)
CAMPAIGNS = (("Spring release", "#e07a5f"), ("Tips & tricks", "#3d85c6"), ("Back to school", "#81b29a"))
SAVED_REPLIES = (
    ("thanks", "en", "Thank you for the kind words! We passed them on to the team."),
    ("need-logs", "en", "Sorry about that! Could you send us the logs (Settings → Help → Send logs)?"),
    ("known-sync-issue", "en", "This is a known sync issue; a fix ships in the next update."),
    ("need-logs", "es", "¡Lo sentimos! ¿Nos envías los registros (Ajustes → Ayuda → Enviar registros)?"),
    ("thanks", "sl", "Hvala za lepe besede! Posredovali smo jih ekipi."),
)


def generate_command(args) -> int:
    path = getattr(args, "db", None)
    if path is None:
        raise InputError(_("generate needs --db PATH (a new file; it never writes to your own database)"))
    started = time.monotonic()
    generate(Path(path), args.items, getattr(args, "seed", 1))
    print(ngettext("wrote {n} inbox item to {path} in {seconds} s", "wrote {n} inbox items to {path} in {seconds} s",
                   args.items).format(n=l10n.number(args.items), path=Path(path).expanduser(),
                                      seconds=l10n.decimal(time.monotonic() - started, 1)))
    return 0


def generate(path: Path, items: int, seed: int = 1, now: datetime | None = None) -> None:
    """Write a synthetic community with `items` inbox items to a new file at path."""
    path = Path(path).expanduser()
    _check_target(path, items)
    tmp = path.with_name(path.name + ".generating")
    leftovers = (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"))
    for leftover in leftovers:
        leftover.unlink(missing_ok=True)
    conn = None
    try:
        conn = connect(tmp)
        _fill(conn, items, random.Random(seed), int((now or utcnow()).timestamp()))
        conn.close()
        conn = None
        _check_target(path, items)  # someone may have created it while we worked
        for stale in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        os.replace(tmp, path)
    except BaseException:
        if conn is not None:
            conn.close()
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
        raise


def _check_target(path: Path, items: int) -> None:
    if items < 1:
        raise InputError(_("--items must be at least 1 (got {items})").format(items=items))
    if path.is_dir():
        raise InputError(_("{path} is a directory; give generate a new file name").format(path=path))
    if not path.parent.is_dir():
        raise InputError(_("cannot write {path}: folder {folder} does not exist").format(path=path, folder=path.parent))
    if not os.access(path.parent, os.W_OK):
        raise InputError(_("cannot write {path}: folder {folder} is not writable").format(path=path,
                                                                                       folder=path.parent))
    # A WAL-mode database can sit entirely in its -wal file while the main file is still empty.
    if any(p.exists() and p.stat().st_size > 0 for p in (path, Path(f"{path}-wal"))):
        raise InputError(_("{path} already exists; choose a new path or remove it").format(path=path))


def _fill(conn, n: int, rng: random.Random, now_ts: int) -> None:
    bulk = BulkWriter(conn)
    bulk.begin()
    fmt = _timestamps(now_ts)
    people = _people(rng, max(50, n // 20), now_ts)
    _inbox(bulk, rng, n, now_ts, fmt, people)
    bulk.write("people", [(pid, DEFAULT_PLATFORM, acct, rid, name, url, fmt(made), bot, fmt(first or made + DAY),
                           fmt(last or made + DAY))
                          for pid, (acct, rid, name, url, made, bot, first, last, _) in enumerate(people, 1)])
    _community(bulk, rng, now_ts, fmt, entries=calendar_size(n))
    bulk.finish()


def _timestamps(now_ts: int):
    """fmt(epoch seconds) -> ISO text from a day table and a time-of-day table: a million
    strftime calls would take seconds on their own."""
    first = now_ts // DAY - 10 * 366
    days = [time.strftime("%Y-%m-%dT", time.gmtime((first + d) * DAY)) for d in range(11 * 366)]
    hms = [f"{h:02d}:{m:02d}:{s:02d}Z" for h in range(24) for m in range(60) for s in range(60)]
    return lambda t: days[t // DAY - first] + hms[t % DAY]


def _pools(rng: random.Random) -> dict[str, dict[str, list[str]]]:
    """Filled sentences per language and purpose, drawn once; items pick from them."""
    pools = {}
    for lang, spec in PHRASES.items():
        def fill(template: str, slots=spec) -> str:
            text = template.format(f=rng.choice(slots["f"]), d=rng.choice(slots["d"]),
                                   n=rng.choice(slots["n"]), v=rng.choice(VERSIONS))
            return _FIRST_LETTER.sub(lambda m: m[1] + m[2].upper(), text, count=1)  # "¿{f}..." -> "¿La..."
        pools[lang] = {key: [fill(t) for t in spec[key] for _ in range(40)]
                       for key in (*INTENTS, "extra", "kind") if key in spec}
        pools[lang]["spam"] = pools["en"]["spam"]  # spam is in English whatever the author speaks
    return pools


def _people(rng: random.Random, k: int, now_ts: int) -> list[list]:
    """[acct, remote id, display name, url, account created, bot, first seen, last seen, language]."""
    people, taken = [], set()
    lang_cw = list(itertools.accumulate(LANG_WEIGHTS))
    for pid in range(1, k + 1):
        first, last, host = rng.choice(FIRST), rng.choice(LAST), rng.choice(HOSTS)
        base = rng.choice((first, first + last[0], f"{first}_{last}", first + last)).lower()
        base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()  # usernames are ASCII
        user = base if base not in taken else f"{base}{rng.randrange(10, 10_000)}"
        while user in taken:
            user = f"{base}{rng.randrange(10, 1_000_000)}"
        taken.add(user)
        display = rng.choice((f"{first} {last}", first, f"{first} {last[0]}.", f"{first.lower()} 🌱"))
        created = now_ts - rng.randrange(30 * DAY, 8 * 365 * DAY)
        people.append([f"{user}@{host}", str(109_000_000_000 + pid * 7919), display, f"https://{host}/@{user}",
                       created, int(rng.random() < 0.01), 0, 0, rng.choices(LANGS, cum_weights=lang_cw)[0]])
    return people


def _inbox(bulk: BulkWriter, rng: random.Random, n: int, now_ts: int, fmt, people: list[list]) -> None:
    rand, k, pools = rng.random, len(people), _pools(rng)

    def draw(values, weights):  # n draws at once: choices() with cum_weights bisects in C
        return rng.choices(values, cum_weights=list(itertools.accumulate(weights)), k=n)
    # Zipf-Mandelbrot: the +20 offset keeps the busiest author near 1% rather than ~15% of all items.
    authors = draw(rng.sample(range(k), k), (1 / (r + 20) ** 1.1 for r in range(k)))
    accounts = draw((1, 2, 3), (a[4] for a in ACCOUNTS))
    kinds, langs, intents = draw(KINDS, KIND_WEIGHTS), draw(LANGS, LANG_WEIGHTS), draw(INTENTS, INTENT_WEIGHTS)
    # Oldest first and denser towards now, so ids, created_at and remote ids all increase together.
    created = sorted(now_ts - int(365 * DAY * rand() ** 1.6) for _ in range(n))
    # Answer delays: lognormal seconds with a 90-minute median, drawn once, picked per item.
    delays = [int(rng.lognormvariate(math.log(90 * 60), 1.0)) for _ in range(4096)]
    mention = {a: f"@{spec[2]} " for a, spec in enumerate(ACCOUNTS, 1)}
    labels = {intent: [dumps(ls) for ls in options] for intent, options in LABELS.items()}
    lang_of, url_of = [p[8] for p in people], [p[3] + "/" for p in people]
    pending: dict[int, list] = {}  # item position -> its thread [id, account, last remote id, root author]
    threads: list[tuple] = []
    posts, flags, rows = [], [], []
    for i in range(n):
        t = created[i]
        rid = str((t * 1000 << 16) + (i & 0xFFFF))  # an id that sorts by time, as platforms make them
        thread = pending.pop(i, None)
        if thread is not None:
            thread_id, account, reply_to, kind = *thread[:3], "reply"
            p = thread[3] if rand() < 0.5 else authors[i]
            thread[2] = rid
        else:
            account, kind, p, thread_id, reply_to = accounts[i], kinds[i], authors[i], None, None
            if rand() < 0.025:  # a thread of 2-6 items: 2.5% * ~4 items ≈ 10% of items in threads
                thread_id = len(threads) + 1
                threads.append((thread_id, account, rid, fmt(now_ts)))
                thread, pos = [thread_id, account, rid, p], i
                for _ in range(rng.randint(1, 5)):
                    pos += rng.randint(1, 40)
                    while pos in pending:
                        pos += 1
                    if pos < n:
                        pending[pos] = thread
        person, intent = people[p], intents[i]
        lang = "en" if intent == "spam" else (lang_of[p] if rand() < 0.85 else langs[i])
        pool = pools[lang]
        sentences = pool[intent]
        text = sentences[int(rand() * len(sentences))]
        r = rand()
        if r > 0.45:  # 1-3 sentences
            more = pool[FOLLOW_UP[intent]]
            text += " " + more[int(rand() * len(more))]
            if r > 0.85:
                text += " " + more[int(rand() * len(more))]
        flag = None
        if intent == "spam":
            if rand() < 0.6:
                flag = ("spam-links", "spam", "[]")
        elif rand() < 0.003:
            sentence, word = VULGAR[lang]
            text += " " + sentence
            flag = ("vulgar-words", "vulgarity", dumps([word]))
        if kind == "mention":
            text = mention[account] + text
        age, r = now_ts - t, rand()
        if age > WEEK:
            state = "done" if r < 0.92 else "open" if r < 0.96 else "snoozed" if r < 0.98 else "new"
        elif age > DAY:
            state = "new" if r < 0.40 else "open" if r < 0.65 else "snoozed" if r < 0.70 else "done"
        else:
            state = "new" if r < 0.70 else "open" if r < 0.85 else "done"
        snooze = answered = done = None
        if state == "snoozed":
            snooze = fmt(now_ts + 3600 + int(rand() * 14 * DAY))
        elif state == "done":
            if rand() < 0.55:
                answered = done = fmt(min(t + delays[int(rand() * 4096)], now_ts))
            else:
                done = fmt(min(t + int(rand() * 2 * DAY), now_ts))
        hidden = 0
        if flag is not None:
            if age < WEEK:
                fstate, resolved = "open", None
            else:
                fstate = "hidden" if rand() < (0.85 if intent == "spam" else 0.5) else "approved"
                resolved, hidden = fmt(min(t + int(rand() * 2 * DAY), now_ts)), int(fstate == "hidden")
            flags.append((i + 1, *flag, fstate, fmt(t + 5), resolved))
        created_at, url = fmt(t), url_of[p] + rid
        if thread_id is not None:
            posts.append((thread_id, rid, reply_to, person[0], person[2], text, url, created_at))
        if not person[6]:
            person[6] = t
        person[7] = t
        rows.append((
            i + 1, account, kind, rid, url, p + 1, person[0], person[2], text, lang,
            "direct" if kind == "direct" else "public", reply_to, thread_id, int("?" in text), created_at,
            created_at, state, snooze, TEAM[int(rand() * 4)] if rand() < 0.1 else None,
            rng.choice(labels[intent]) if rand() < 0.2 else "[]", answered, done, hidden,
        ))
        if len(rows) == BATCH or i == n - 1:
            bulk.write("inbox_items", rows)
            rows = []
    bulk.write("threads", threads)
    bulk.write("thread_posts", posts)
    bulk.write("moderation_flags", flags)


def _slot_lift(ts: int) -> float:
    """Engagement multiplier by UTC weekday and hour: weekday mornings and early evenings
    do best, nights and weekends worst."""
    weekday, hour = time.gmtime(ts).tm_wday, time.gmtime(ts).tm_hour
    lift = 1.6 if hour in (8, 9, 10, 17, 18) else 1.0 if 7 <= hour <= 21 else 0.5
    return lift * (0.7 if weekday >= 5 else 1.0)


def calendar_size(items: int) -> int:
    """A community that big plans more: 200 entries, up to 10,000 at a million items (the
    calendar's scale test), about 2% of them repeating."""
    return max(200, min(10_000, items // 100))


def _community(bulk: BulkWriter, rng: random.Random, now_ts: int, fmt, entries: int = 200) -> None:
    """Accounts, calendar, post statistics, follower history, goals and saved replies."""
    count = entries
    bulk.write(
        "accounts",
        [(a, name, DEFAULT_PLATFORM, f"https://{host}", f"{user}@{host}", display, dumps({"max_chars": 500, "url_weight": 23}),
          int(a == 1), fmt(now_ts - 3 * 365 * DAY)) for a, (name, host, user, display, _) in enumerate(ACCOUNTS, 1)])
    rows: list[tuple] = []
    transitions, stats = [], []
    rules = ("FREQ=WEEKLY;BYDAY=MO,TH", "FREQ=MONTHLY;BYDAY=1TU", "FREQ=WEEKLY;BYDAY=FR")
    for entry_id in range(1, count + 1):
        when = now_ts + rng.randrange(-365 * DAY, 60 * DAY)
        if when < now_ts:
            status = rng.choices(("published", "failed", "cancelled"), (85, 5, 10))[0]
        else:
            status = rng.choices(("scheduled", "approved", "needs_approval", "draft", "idea"), (45, 20, 15, 15, 5))[0]
        account, who = rng.choice((1, 1, 2, 3)), rng.choice(TEAM)
        campaign, colour = rng.choice(CAMPAIGNS) if rng.random() < 0.6 else (None, None)
        text = rng.choice(POSTS).format(f=rng.choice(PHRASES["en"]["f"]), d=rng.choice(DEVICES), v=rng.choice(VERSIONS))
        made = fmt(min(when - rng.randrange(DAY, 21 * DAY), now_ts))
        remote_id = url = published = None
        if status == "published":
            _, host, user, *_ = ACCOUNTS[account - 1]
            remote_id = str((when * 1000 << 16) + entry_id)
            url, published = f"https://{host}/@{user}/{remote_id}", fmt(when)
            lift = _slot_lift(when)  # so the best-time heatmap has a pattern to find
            stats.append((account, remote_id, entry_id, published, "en", campaign,
                          int(rng.lognormvariate(3, 1) * lift), int(rng.lognormvariate(2, 1) * lift),
                          int(rng.lognormvariate(1, 1) * lift), fmt(now_ts)))
        scheduled = None if status == "idea" and rng.random() < 0.5 else fmt(when)
        rule = rng.choice(rules) if count > 200 and status in ("scheduled", "approved") and rng.random() < 0.03 \
            else None
        rows.append((entry_id, account, text, status, scheduled, published, remote_id, url, "en", campaign,
                        colour, int(status == "published" and rng.random() < 0.05), who, made, made, rule))
        transitions.append((entry_id, made, who, None, status))
    bulk.write("calendar_entries", rows)
    bulk.write("entry_transitions", transitions)
    bulk.write("post_stats", stats)
    snapshots, today = [], now_ts - now_ts % DAY
    for account, start in ((1, 12_000), (2, 3_400), (3, 1_800)):
        for day in range(365, 0, -1):  # daily at 06:00 UTC, about 25% growth over the year
            trend = start * (1 + 0.25 * ((365 - day) / 365) ** 1.3)
            snapshots.append((account, fmt(today - day * DAY + 6 * 3600), int(trend + rng.gauss(0, start * 0.003)),
                              300 + (365 - day) // 5, 2_000 + (365 - day) * 2))
    bulk.write("follower_snapshots", snapshots)
    begins, due = (time.strftime("%Y-%m-%d", time.gmtime(now_ts + days * DAY)) for days in (-60, 30))
    bulk.write(
        "goals",
        [(*goal, begins, due, fmt(now_ts - 60 * DAY)) for goal in (
            ("Grow followers 10%", "followers_growth_pct", 10, "up"),
            ("Answer within two hours", "median_response_minutes", 120, "down"),
            ("Three posts a week", "posts_per_week", 3, "up"))])
    bulk.write("saved_replies", [(*reply, fmt(now_ts - 90 * DAY), fmt(now_ts - 90 * DAY))
                                 for reply in SAVED_REPLIES])
