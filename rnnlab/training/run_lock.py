"""One run at a time per run directory: ``<workdir>/.rnnlab.lock``.

The lock is an advisory ``fcntl.flock`` on the lock file, which also holds the holder's PID
and host. The kernel releases a flock when its process dies, however it dies: the file of
a run killed with ``kill -9`` stays behind, but its lock is free, so the next run takes it
over (a stale lock) and writes its own PID. A second run while the first is alive fails at
once with :class:`RunLockedError` naming the holder's PID. The file is removed on release.
(flock is reliable on local file systems; on NFS it depends on the server.)
"""
import fcntl
import os
import socket

from rnnlab.training import run_directory


class RunLockedError(run_directory.RunDirectoryError):
  """Another live process holds the run directory."""


class RunLock:
  """``with RunLock(workdir):`` holds the lock of ``workdir`` (created if missing).

  Attributes:
    took_over: the PID recorded by a previous holder whose lock was stale (None if none).
  """

  def __init__(self, workdir: str):
    self.path = run_directory.lock_path(workdir)
    self.took_over: int | None = None
    self._fd: int | None = None

  def acquire(self) -> "RunLock":
    os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
    while True:
      fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
      try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
      except BlockingIOError:
        pid, _, host = _read_holder(fd).partition(" ")
        os.close(fd)
        raise RunLockedError(
            f"{os.path.dirname(self.path) or '.'!r} is in use by another run (PID "
            f"{pid or 'unknown'}{' on ' + host if host else ''}; lock file {self.path}); wait "
            "for it to finish or stop it, "
            "or use another --workdir") from None
      # The file may have been removed by a releasing holder between open and flock.
      try:
        same = os.path.samestat(os.fstat(fd), os.stat(self.path))
      except FileNotFoundError:
        same = False
      if same:
        break
      os.close(fd)
    previous = _read_holder(fd).partition(" ")[0]
    self.took_over = int(previous) if previous.isdigit() else None
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
    os.fsync(fd)
    self._fd = fd
    return self

  def release(self) -> None:
    if self._fd is None:
      return
    try:
      os.remove(self.path)
    except FileNotFoundError:
      pass
    fcntl.flock(self._fd, fcntl.LOCK_UN)
    os.close(self._fd)
    self._fd = None

  def __enter__(self) -> "RunLock":
    return self.acquire()

  def __exit__(self, *exc) -> None:
    self.release()


def _read_holder(fd: int) -> str:
  os.lseek(fd, 0, os.SEEK_SET)
  return os.read(fd, 200).decode(errors="replace").strip()
