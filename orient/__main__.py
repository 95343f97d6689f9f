from orient.cli import main

raise SystemExit(main())
