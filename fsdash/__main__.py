from fsdash.cli import main

raise SystemExit(main())
