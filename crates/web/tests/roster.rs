//! Roster import and export through the upload page and the CLI's shared code.
