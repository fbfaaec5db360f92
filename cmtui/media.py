"""Images that go with a post or reply: checked, then kept beside the database.

A file the user names is checked (it exists, is readable, is an image of a known type by its
first bytes, its size), then copied into the media folder beside the database under a name
made from its content (`<sha256 prefix>.<ext>`): two posts of one image share a copy, and a
file moved or deleted after queueing still publishes. An `Attachment.file` in the calendar is
that name; the outbox payload carries the copy's absolute path (`payload_media`), which is
what the connector uploads at send time.

No Textual and no platform here: the platform's limits are checked by its profile
(PlatformProfile.media_problem), called through `check_for_account`.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext
from cmtui.model import Attachment
from cmtui.text import sanitize

HASH_CHARS = 24  # of the sha256 in hex: plenty against collisions among one user's images
READ_LIMIT = 200 * 1024 * 1024  # a file larger than this is refused before reading it whole

# mime -> the extension its copy gets; recognised by their first bytes (an extension lies).
MIME_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}


def sniff(head: bytes) -> str | None:
    """The image type of a file from its first bytes (at least 12), None if not one we know."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def copy_path(folder: Path, attachment: Attachment | Mapping) -> Path:
    """Where an attachment's copy is (its `file` is a name in the media folder; an absolute
    path, as in an outbox payload, is kept)."""
    name = attachment.file if isinstance(attachment, Attachment) else str(attachment["file"])
    return Path(name) if os.path.isabs(name) else folder / name


def inspect(path: Path | str) -> tuple[str, int]:
    """(mime, size) of an image file; InputError (one sentence) when it cannot be used."""
    path = Path(path).expanduser()
    shown = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(_("no file {path}").format(path=shown)) from None
    except OSError as exc:
        raise InputError(_("cannot read {path} ({reason})").format(path=shown, reason=exc.strerror)) from None
    if not path.is_file():
        raise InputError(_("{path} is not a file").format(path=shown))
    if info.st_size == 0:
        raise InputError(_("{path} is empty").format(path=shown))
    if info.st_size > READ_LIMIT:
        raise InputError(_("{path} is {size}, too large for a post").format(path=shown, size=human_size(info.st_size)))
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise InputError(_("cannot read {path} ({reason})").format(path=shown, reason=exc.strerror)) from None
    mime = sniff(head)
    if mime is None:
        raise InputError(_("{path} is not a PNG, JPEG, GIF or WebP image").format(path=shown))
    return mime, info.st_size


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def keep(path: Path | str, alt: str | None, folder: Path, *, alt_required: bool = True, part: int = 0) -> Attachment:
    """Check the file and its alt text, copy it into `folder` (content-addressed), and return
    its Attachment. Nothing is copied when a check fails (InputError)."""
    alt = clean_alt(alt)
    if alt_required and not alt:
        raise _no_alt(path)
    mime = inspect(path)[0]
    source = Path(path).expanduser()
    # Copied under a temporary name while hashed, then renamed to its hash: a crash never
    # leaves half an image under a name a post will upload, and the name is what was copied.
    digest, size = hashlib.sha256(), 0
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp's 0600 would hide it from a team's sync service
    except OSError as exc:
        raise InputError(_("cannot write into {folder} ({reason})").format(folder=folder, reason=exc.strerror)) \
            from None
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                size += len(block)
                out.write(block)
        target = folder / f"{digest.hexdigest()[:HASH_CHARS]}.{MIME_EXT[mime]}"
        if target.exists():  # the same image, kept for another post: shared
            os.unlink(temp)
        else:
            os.replace(temp, target)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise InputError(_("cannot copy {path} into {folder} ({reason})").format(
            path=source, folder=folder, reason=exc.strerror)) from None
    return Attachment(file=target.name, alt=alt, mime=mime, size=size, part=part)


def keep_all(files: Iterable[tuple[Path | str, str | None]], folder: Path, account=None, *,
             alt_required: bool = True) -> list[Attachment]:
    """keep() for each (path, alt), in order, after checking them all (alt text, type, size,
    the account's platform and limits): one failing check copies nothing."""
    files = list(files)
    if not files:
        return []
    if account is not None:
        _require_media(account)
    seen = []
    for path, alt in files:
        if alt_required and not clean_alt(alt):
            raise _no_alt(path)
        mime, size = inspect(path)
        seen.append(Attachment(file=Path(path).name, alt=clean_alt(alt), mime=mime, size=size))
    check_for_account(seen, account, alt_required=alt_required)
    return [keep(path, alt, folder, alt_required=alt_required) for path, alt in files]


def _no_alt(path: Path | str) -> InputError:
    return InputError(_("{name} needs alt text (describe the image for people who cannot see it;"
                        " media_alt_required = false in the settings allows none)").format(name=Path(path).name))


def _require_media(account) -> None:
    from cmtui.sync.connectors import profile_for
    from cmtui.sync.connectors.base import Capability

    profile = profile_for(account.platform)
    if Capability.MEDIA not in profile.capabilities:
        raise InputError(_("{platform} posts cannot carry media from cmtui").format(platform=profile.label))


def clean_alt(alt: str | None) -> str:
    """Alt text as kept: one paragraph of plain text (no control characters), spaces trimmed."""
    return " ".join(sanitize(alt or "", single_line=True).split())


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        # i18n: French writes Mo and Ko
        return _("{n} MB").format(n=l10n.decimal(size / (1024 * 1024), 1))
    if size >= 1024:
        return _("{n} KB").format(n=l10n.decimal(size / 1024, 0))
    return ngettext("{n} byte", "{n} bytes", size).format(n=l10n.number(size))


def as_attachments(items: Iterable[Attachment | Mapping] | None) -> list[Attachment]:
    return [a if isinstance(a, Attachment) else Attachment.from_json(a) for a in items or ()]


def alt_missing(items: Iterable[Attachment | Mapping] | None) -> int:
    return sum(1 for a in as_attachments(items) if not a.alt.strip())


def summary(items: Iterable[Attachment | Mapping] | None) -> str:
    """"2 images, alt text missing on 1" (empty: no media)."""
    attachments = as_attachments(items)
    if not attachments:
        return ""
    count = len(attachments)
    text = ngettext("{n} image", "{n} images", count).format(n=l10n.number(count))
    missing = alt_missing(attachments)
    if missing:
        # i18n: {images} is "2 images"; {n} counts those without alt text
        return ngettext("{images}, alt text missing on {n}", "{images}, alt text missing on {n}", missing).format(
            images=text, n=l10n.number(missing))
    return text


def alt_problem(items: Iterable[Attachment | Mapping] | None, alt_required: bool) -> str | None:
    missing = alt_missing(items)
    if alt_required and missing:
        return ngettext("alt text missing on {n} image", "alt text missing on {n} images", missing).format(
            n=l10n.number(missing))
    return None


def check_for_account(items: Iterable[Attachment | Mapping] | None, account, *, alt_required: bool = True) -> None:
    """InputError when these attachments cannot go to the account's platform (it takes no
    media, too many, a type or size over its limits as last read) or lack alt text."""
    from cmtui.sync.connectors import profile_for

    attachments = as_attachments(items)
    if not attachments:
        return
    problem = alt_problem(attachments, alt_required)
    if problem:
        raise InputError(_("{problem} (media_alt_required = false in the settings allows none)").format(
            problem=problem))
    if account is None:
        return
    _require_media(account)
    problem = profile_for(account.platform).media_problem(attachments, account.limits)
    if problem:
        raise InputError(_("not for {account}: {problem}").format(account=account.name, problem=problem))


def payload_media(items: Iterable[Attachment | Mapping] | None, folder: Path) -> list[dict]:
    """The attachments as an outbox payload carries them: each `file` the copy's absolute path
    (the sending side knows no database folder)."""
    return [{**a.to_json(), "file": str(copy_path(folder, a))} for a in as_attachments(items)]
