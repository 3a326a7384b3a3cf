"""``python -m convshare``: see :mod:`convshare._cli`."""

from ._cli import main

raise SystemExit(main())
