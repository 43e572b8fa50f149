"""A hybrid logical clock: times that order changes as they happened, even between machines
whose clocks disagree. A machine's next time is after its own wall clock and after every
time it has seen, so an edit made after reading another machine's change is later than it,
whatever the clocks say. Times are strings that sort as they compare:
`<milliseconds, 13 digits>.<counter, 5 digits>.<machine>`."""

from __future__ import annotations

import time


def parse(stamp: str) -> tuple[int, int]:
    wall, counter, _ = stamp.split(".", 2)
    return int(wall), int(counter)


class Clock:
    def __init__(self, machine: str, last: str = ""):
        self.machine = machine
        self.wall, self.counter = parse(last) if last else (0, 0)

    def now(self) -> str:
        wall = max(int(time.time() * 1000), self.wall)
        self.counter = self.counter + 1 if wall == self.wall else 0
        self.wall = wall
        return self.stamp()

    def at(self, wall: int, after: str) -> str:
        """The time of a change made at `wall` (ms) by this machine, after `after` (the time it
        had seen for that change's key); the clock moves past it."""
        floor = parse(after) if after else (0, -1)
        stamp = _stamp(*max((wall, 0), (floor[0], floor[1] + 1)), self.machine)
        self.saw(stamp)
        return stamp

    def saw(self, stamp: str) -> None:
        """Move past a time read from another machine."""
        try:
            wall, counter = parse(stamp)
        except (ValueError, IndexError):
            return
        if (wall, counter) > (self.wall, self.counter):
            self.wall, self.counter = wall, counter

    def stamp(self) -> str:
        return _stamp(self.wall, self.counter, self.machine)


def _stamp(wall: int, counter: int, machine: str) -> str:
    return f"{wall:013d}.{counter:05d}.{machine}"
