"""What every reader shares.

The reader contract, guarded reading of input files, CSV records, frames, times, HTML text.
"""
