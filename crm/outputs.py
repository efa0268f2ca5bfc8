"""Where crm may write a file the user named (a backup, an export, rejected rows): a regular file, to
be replaced whole, or a new one in an existing folder. A directory, a FIFO, a device, a socket, the
live database itself or the file being read is refused before anything is written, and left as it was."""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from crm.errors import CrmError
from crm.i18n import pick


def check_output_path(path: str | os.PathLike, *, live_database: Path | None = None,
                      input_file: Path | None = None) -> Path:
    """`input_file`: the file a command reads (an import), which its own output may not replace."""
    target = Path(path).expanduser()
    try:
        mode = os.stat(target).st_mode  # follows a symbolic link to what it names
    except FileNotFoundError:
        if not target.parent.is_dir():
            raise _refused(target, pick("所在文件夹不存在", "its folder does not exist")) from None
        return target
    except OSError as error:
        raise _refused(target, os_reason(error)) from None
    if stat.S_ISDIR(mode):
        raise _refused(target, pick("这是一个文件夹", "it is a folder"))
    if not stat.S_ISREG(mode):
        raise _refused(target, pick("不是普通文件（设备、管道或套接字）", "not a regular file (a device, a pipe or a socket)"))
    if live_database is not None and _same_file(target, live_database):
        raise _refused(target, pick("这是正在使用的数据库本身", "it is the live database itself"))
    if input_file is not None and _same_file(target, Path(input_file).expanduser()):
        raise _refused(target, pick("这是正在读取的文件本身", "it is the file being read"))
    return target


@contextlib.contextmanager
def written_whole(target: Path) -> Iterator[Path]:
    """Write `target` whole or not at all: the caller writes the temporary file this yields (same folder,
    same suffix), which replaces the target once the block ends without error. An existing file is left
    untouched when anything fails, and keeps its permissions when replaced."""
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}",
                                             dir=target.parent)
    except OSError as error:
        raise _refused(target, os_reason(error)) from None
    os.close(handle)
    try:
        yield Path(temporary)
        try:
            os.chmod(temporary, _new_file_mode(target))
            os.replace(temporary, target)
        except OSError as error:
            raise _refused(target, os_reason(error)) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _new_file_mode(target: Path) -> int:
    """A replaced file's permissions; a new file gets what the umask gives (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


_REASONS = {
    errno.ENOENT: ("文件夹不存在", "no such folder"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "a part of the path is not a folder"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "permission denied"),
    errno.EROFS: ("只读文件系统", "read-only file system"),
    errno.ENOSPC: ("磁盘空间不足", "no space left on the disk"),
}


def os_reason(error: OSError) -> str:
    """Why the file system refused, in the user's language."""
    known = _REASONS.get(error.errno)
    return pick(*known) if known else (error.strerror or str(error))


def _same_file(target: Path, other: Path) -> bool:
    """The same file as `other`, or as a SQLite database's companion files."""
    for candidate in (other, Path(f"{other}-wal"), Path(f"{other}-shm"), Path(f"{other}-journal")):
        try:
            if candidate.exists() and os.path.samefile(target, candidate):
                return True
        except OSError:
            continue
    return False


def _refused(target: Path, reason: str) -> CrmError:
    return CrmError("write_failed", path=str(target), reason=reason)
