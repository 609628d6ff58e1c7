// Light strokes: the drawing canvas sends what changed, not its whole drawing.
//
// streamlit-drawable-canvas sends, on every stroke, every stroke's path and a PNG
// of the whole picture. This module wraps the package's own script (loaded from
// PACKAGE_SCRIPT, unchanged) and turns each of those sends into the change since
// a drawing the server has said it holds (`data.ack`):
//   objects: {keep, add}  the first `keep` paths of that drawing, then `add`;
//   picture: {box: [x, y, w, h], channels, deflated}  the picture minus that
//            drawing's picture, byte by byte modulo 256, inside the box of what
//            changed; one channel when the change is gray and opaque (white
//            strokes on black always are), else R, G, B and A interleaved;
//            zlib-compressed, base64.
// The server adds the change to its copy and gets the browser's picture exactly,
// byte for byte. Its copy is named by `canvas` (one per mounted canvas) and `seq`.
// Sends can be skipped on the way (Streamlit keeps only a widget's latest value),
// so a change is always from an acknowledged drawing, never from the last one sent.
// Without CompressionStream (browsers before 2023), the whole PNG is sent instead.
// Written for streamlit-drawable-canvas 0.13.0 (see components/common/patches.py).

const PACKAGE_SCRIPT = "__PACKAGE_SCRIPT__";
const EMPTY = { seq: 0, objects: [], pixels: null }; // pixels null: all opaque black

let packageModule = null;
const transports = new WeakMap(); // the canvas's parent element -> its transport

const newTransport = () => ({
  canvas: Math.random().toString(36).slice(2, 12),
  seq: 0,
  acked: EMPTY,
  sent: new Map(), // seq -> {seq, objects, pixels}, sent and not yet acknowledged
  latest: null,
  setStateValue: () => {},
  queue: Promise.resolve(),
});

const decodePng = async (dataUrl) => {
  const blob = await (await fetch(dataUrl)).blob();
  const bitmap = await createImageBitmap(blob, {
    premultiplyAlpha: "none",
    colorSpaceConversion: "none",
  });
  const canvas = document.createElement("canvas");
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
};

const base64 = (bytes) => {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
};

const deflate = async (bytes) => {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};

// The picture minus the base picture, inside the box of the pixels that differ.
const pictureChange = async (image, base) => {
  const { width, height, data } = image;
  const diff = new Uint8Array(data.length);
  let left = width, top = height, right = -1, bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 4 * (y * width + x);
      let changed = false;
      for (let c = 0; c < 4; c++) {
        const before = base ? base[i + c] : c === 3 ? 255 : 0;
        diff[i + c] = (data[i + c] - before) & 255;
        changed ||= diff[i + c] !== 0;
      }
      if (changed) {
        left = Math.min(left, x); right = Math.max(right, x);
        top = Math.min(top, y); bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return { box: [0, 0, 0, 0], channels: 1, deflated: "" };
  const w = right - left + 1, h = bottom - top + 1;
  let gray = true;
  for (let y = top; y <= bottom && gray; y++) {
    for (let x = left; x <= right; x++) {
      const i = 4 * (y * width + x);
      if (diff[i + 1] !== diff[i] || diff[i + 2] !== diff[i] || diff[i + 3] !== 0) {
        gray = false;
        break;
      }
    }
  }
  const channels = gray ? 1 : 4;
  const crop = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 4 * ((top + y) * width + left + x), o = channels * (y * w + x);
      for (let c = 0; c < channels; c++) crop[o + c] = diff[i + c];
    }
  }
  return { box: [left, top, w, h], channels, deflated: base64(await deflate(crop)) };
};

const samePrefix = (objects, base) => {
  let keep = 0;
  while (keep < objects.length && keep < base.length &&
         JSON.stringify(objects[keep]) === JSON.stringify(base[keep])) keep++;
  return keep;
};

// The package's value {raw: Fabric JSON, data: PNG data URL} as the change to send.
const lightValue = async (t, raw, dataUrl) => {
  const objects = raw?.objects ?? [];
  const seq = ++t.seq;
  const value = { canvas: t.canvas, seq, base: 0 };
  if (typeof CompressionStream === "undefined" || dataUrl == null) {
    value.objects = { keep: 0, add: objects };
    value.picture = { png: dataUrl };
    return value;
  }
  const image = await decodePng(dataUrl);
  const base = t.acked;
  const keep = samePrefix(objects, base.objects);
  value.base = base.seq;
  value.objects = { keep, add: objects.slice(keep) };
  value.picture = await pictureChange(image, base.pixels);
  value.size = [image.width, image.height];
  t.sent.set(seq, { seq, objects, pixels: image.data });
  t.latest = { raw, dataUrl };
  return value;
};

const send = (t, raw, dataUrl) => {
  t.queue = t.queue
    .then(() => lightValue(t, raw, dataUrl))
    .then((value) => t.setStateValue("drawing", value))
    .catch((error) => console.error("canvas light strokes: could not send", error));
};

// What the server holds: forget what it no longer needs; start over if it asks.
const hearAck = (t, ack) => {
  if (!ack || ack.canvas !== t.canvas) return;
  if (ack.resend) {
    if (ack.resend !== t.seq || !t.latest) return; // a newer send is on its way
    t.acked = EMPTY;
    t.sent.clear();
    send(t, t.latest.raw, t.latest.dataUrl);
    return;
  }
  const held = t.sent.get(ack.seq);
  if (!held) return;
  t.acked = held;
  for (const seq of t.sent.keys()) if (seq <= ack.seq) t.sent.delete(seq);
};

// A mouse or pen stroke that ends over a disabled button (Undo and Redo sit right under
// the canvas, greyed out until there is something to undo) gets a pointerup and no
// mouseup: browsers send no mouse events to disabled form controls. Fabric ends a stroke
// on the document's mouseup, so the stroke was painted, never sent, and went on drawing
// when the pointer came back. A press that began on a canvas and is released over a
// disabled control gets the mouseup the browser left out. Fabric listens for one mouseup
// per press, so one more, where the browser did send it, changes nothing. The listeners
// go on the window once, whichever canvas mounts first (hence the flag on window).
let pressOnCanvas = false;
const releaseListeners = () => {
  const capture = { capture: true };
  window.addEventListener("mousedown", (event) => {
    pressOnCanvas = event.composedPath().some((el) => el.classList?.contains("upper-canvas"));
  }, capture);
  window.addEventListener("mouseup", () => { pressOnCanvas = false; }, capture);
  window.addEventListener("pointerup", (event) => {
    // A finger's stroke ends on touchend, which the browser sends where it began.
    if (!pressOnCanvas || event.pointerType === "touch") return;
    const under = event.composedPath()[0];
    if (!(under instanceof Element) || !under.closest(":disabled")) return;
    pressOnCanvas = false;
    document.dispatchEvent(new MouseEvent("mouseup", {
      bubbles: true, composed: true, view: window, detail: 1,
      screenX: event.screenX, screenY: event.screenY,
      clientX: event.clientX, clientY: event.clientY, button: event.button,
      buttons: event.buttons, ctrlKey: event.ctrlKey, shiftKey: event.shiftKey,
      altKey: event.altKey, metaKey: event.metaKey,
    }));
  }, capture);
};

export default async function (component) {
  if (!window.__cnnLensReleaseListeners) {
    window.__cnnLensReleaseListeners = true;
    releaseListeners();
  }
  packageModule ??= import(new URL(PACKAGE_SCRIPT, window.location.origin).href);
  const { default: mountCanvas } = await packageModule;
  let t = transports.get(component.parentElement);
  if (!t) {
    t = newTransport();
    transports.set(component.parentElement, t);
  }
  t.setStateValue = component.setStateValue;
  hearAck(t, component.data?.ack);
  return mountCanvas({
    ...component,
    setStateValue: (name, value) =>
      name === "drawing" ? send(t, value?.raw, value?.data) : component.setStateValue(name, value),
  });
}
