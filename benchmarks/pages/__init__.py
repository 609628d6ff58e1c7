"""Benchmarks of what one page does for one person: its speed, its memory, its bytes."""
