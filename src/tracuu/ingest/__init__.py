"""From files to passages: reading, cleaning with offset maps, metadata, multi-document files, splitting."""
