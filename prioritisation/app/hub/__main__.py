"""``python -m prioritisation.app.hub member|lab|demo …``: what the spawner and ``make hub`` run."""

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    what = argv[0] if argv else ""
    if what == "member":
        from prioritisation.app.hub.member import main as member

        return member()
    if what == "lab":
        from prioritisation.app.hub.analyst import main as lab

        return lab(argv[1:])
    if what == "demo":
        from prioritisation.app.hub.demo import main as demo

        return demo(argv[1:])
    print("usage: python -m prioritisation.app.hub member|lab|demo …", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
