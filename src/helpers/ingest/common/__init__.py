"""What every reader shares: the reader contract, guarded reading of input files, CSV records, frames, times, HTML text."""
