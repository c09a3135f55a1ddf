// Casepress uses a system Chromium (Debian's `chromium`) or PUPPETEER_EXECUTABLE_PATH;
// puppeteer's own download cannot work on machines without internet access.
module.exports = { skipDownload: true };
