#!/usr/bin/env python
from dangvien.cli import main

if __name__ == "__main__":
    main()
