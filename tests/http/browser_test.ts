// The HTTP handler in a real browser: Debian's Chromium, driven by puppeteer-core. The index
// lists the study, an SVG artifact renders as an image, a form upload lands in the study and
// shows up, and a download resumes with Range. Skipped with a note where Chromium is missing
// (CI installs it).
import assert from "node:assert/strict";
import { join } from "node:path";
// deno-lint-ignore no-import-prefix -- kept out of the import map (see docs/development.md)
import puppeteer from "npm:puppeteer-core@^25.16.0";
import { createArtifactHandler } from "../../http/handler.ts";
import { getAllArtifactMeta } from "../../helpers/get_all_artifact_meta.ts";
import { uploadArtifact } from "../../helpers/upload_artifact.ts";
import { JournalFileStorage } from "../../storages/journal.ts";
import { FileSystemArtifactStore } from "../../stores/filesystem.ts";
import { createStudy } from "../../study/create_study.ts";
import { pseudoRandomBytes, sha256, withTempDir } from "../_helpers.ts";

const CHROMIUM = "/usr/bin/chromium";
const chromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!chromium) {
  if (Deno.env.get("CI")) throw new Error("Chromium is required in CI: .ci/run must install it");
  console.warn("Skipping the browser test: no /usr/bin/chromium (apt-get install chromium)");
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">' +
  '<rect width="200" height="100" fill="#c00"/></svg>';

Deno.test({
  name:
    "http in Chromium: the index lists the study, an SVG renders, a form upload shows up, a download resumes with Range",
  ignore: !chromium,
  sanitizeOps: false, // puppeteer's socket and timers close after the browser
  sanitizeResources: false,
  async fn() {
    await withTempDir(async (dir) => {
      await Deno.mkdir(join(dir, "artifacts"));
      const storage = new JournalFileStorage(join(dir, "journal.log"));
      const artifactStore = new FileSystemArtifactStore(join(dir, "artifacts"));
      const study = await createStudy({ storage, studyName: "browser-study" });
      const trial = await study.ask();
      await uploadArtifact({ artifactStore, studyOrTrial: trial, body: SVG, filename: "plot.svg" });
      await uploadArtifact({
        artifactStore,
        studyOrTrial: study,
        body: "epoch,loss\n1,0.5\n",
        filename: "loss.csv",
      });
      const big = pseudoRandomBytes(300_000, 6);
      const bigId = await uploadArtifact({
        artifactStore,
        studyOrTrial: study,
        body: big,
        filename: "weights.bin",
      });
      const upload = join(dir, "from-the-browser.txt");
      await Deno.writeTextFile(upload, "chosen in a file input");

      const handler = createArtifactHandler({ artifactStore, storage, allowWrites: true });
      // One page of the test's own beside the handler: a same-origin place to run fetch from.
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen() {} },
        (request) =>
          new URL(request.url).pathname === "/test-page"
            ? new Response("<!doctype html><title>t</title>", {
              headers: { "content-type": "text/html" },
            })
            : handler(request),
      );
      const origin = `http://127.0.0.1:${server.addr.port}`;
      const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: join(dir, "profile"),
        // As root in a closed network: no sandbox, nothing that calls out.
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        const page = await browser.newPage();
        await page.goto(`${origin}/`);
        const links = await page.$$eval("a", (as) => as.map((a) => a.textContent));
        assert.deepEqual(links, ["browser-study"]);
        await Promise.all([page.waitForNavigation(), page.click("a")]);
        assert.equal(await page.$eval("h1", (h) => h.textContent), "browser-study");

        // The SVG is an image the browser decoded, at its own size.
        // (Runs in the page, where the element is an HTMLImageElement.)
        const size = await page.$eval("img.artifact", (img) => {
          const image = img as unknown as {
            complete: boolean;
            naturalWidth: number;
            naturalHeight: number;
          };
          return [image.complete, image.naturalWidth, image.naturalHeight];
        });
        assert.deepEqual(size, [true, 200, 100]);
        const previews = await page.$$eval("pre.preview", (ps) => ps.map((p) => p.textContent));
        assert.deepEqual(previews, ["epoch,loss\n1,0.5\n"]);
        await page.screenshot({ path: join(dir, "study.png") });
        const png = await Deno.readFile(join(dir, "study.png"));
        assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"

        // The trial's form: choose a file, submit, and the page shows it.
        const form = `form[action="/api/artifacts/${study.studyId}/${trial.trialId}"]`;
        const input = await page.$(`${form} input[type=file]`);
        await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(upload);
        await Promise.all([
          page.waitForNavigation(),
          page.click(`${form} button`),
        ]);
        const names = await page.$$eval("table a", (as) => as.map((a) => a.textContent));
        assert.ok(names.includes("from-the-browser.txt"), names.join(", "));
        const metas = await getAllArtifactMeta(trial);
        const added = metas.find((m) => m.filename === "from-the-browser.txt")!;
        const stored = await Deno.readFile(join(dir, "artifacts", added.artifactId));
        assert.equal(sha256(stored), sha256(await Deno.readFile(upload)));

        // A download resumed from byte 100,000, as the browser fetches it (from the test's
        // page: the index's own policy allows no fetch).
        await page.goto(`${origin}/test-page`);
        const resumed = await page.evaluate(async (url) => {
          const response = await fetch(url, { headers: { range: "bytes=100000-" } });
          const bytes = new Uint8Array(await response.arrayBuffer());
          return {
            status: response.status,
            range: response.headers.get("content-range"),
            bytes: [...bytes],
          };
        }, `${origin}/artifacts/${study.studyId}/${bigId}`);
        assert.equal(resumed.status, 206);
        assert.equal(resumed.range, "bytes 100000-299999/300000");
        assert.equal(sha256(new Uint8Array(resumed.bytes)), sha256(big.subarray(100_000)));
      } finally {
        await browser.close();
        await server.shutdown();
      }
    });
  },
});
