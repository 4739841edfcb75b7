// Entry point of the `nightshift` command (filled in by the Foundation work).
process.stdout.write('nightshift: under construction\n');
