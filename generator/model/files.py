"""Reading a file from deals/ or content/updates/ without trusting what is there.

Only a regular file is read. A symbolic link is refused without looking at what it points
to (a link to /dev/zero, or to a file outside the project), and a named pipe or a device is
never opened (opening a pipe waits for a writer, for ever). The size is checked before
reading, and at most MAX_BYTES + 1 bytes are read, in case the file grows meanwhile.
Every refusal is a :class:`YamlError` at line 1 saying what the file is.
"""

from __future__ import annotations

import os
import stat

from .yaml import MAX_BYTES, YamlError, too_big

NOT_A_FILE = {
    stat.S_IFDIR: "is a directory, not a file (rename or remove it)",
    stat.S_IFIFO: "is a named pipe, not a file (remove it)",
    stat.S_IFCHR: "is a device, not a file (remove it)",
    stat.S_IFBLK: "is a device, not a file (remove it)",
    stat.S_IFSOCK: "is a socket, not a file (remove it)",
}
LINK = "is a symbolic link (copy the file here instead: links are not followed)"


def read(path) -> bytes:
    """The bytes of a regular file, or a :class:`YamlError` at line 1 saying why not."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as error:
        raise YamlError(1, (), f"cannot be read ({error.strerror})") from None
    if stat.S_ISLNK(mode):
        raise YamlError(1, (), LINK)
    if not stat.S_ISREG(mode):
        raise YamlError(1, (), NOT_A_FILE.get(stat.S_IFMT(mode), "is not a regular file (remove it)"))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:  # replaced since lstat: by a link (ELOOP), or removed
        raise YamlError(1, (), f"cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise YamlError(1, (), NOT_A_FILE.get(stat.S_IFMT(info.st_mode), "is not a regular file (remove it)"))
        if info.st_size > MAX_BYTES:
            raise YamlError(1, (), too_big(info.st_size))
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise YamlError(1, (), f"file is more than {MAX_BYTES:,} bytes (it grew while being read)")
    return b"".join(chunks)
