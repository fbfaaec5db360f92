from cmtui.cli import main

raise SystemExit(main())
