/* Checks the ledger's proofs in the auditor's own browser (issue 16), trusting nothing but
 * the bytes shown on the page: Ed25519 signatures of the signed tree heads (WebCrypto), and
 * RFC 6962 / RFC 9162 inclusion and consistency proofs with SHA-256 (crypto.subtle.digest),
 * hashed as projections/ledger/merkle.py does: a leaf is SHA-256(0x00 || data), a node
 * SHA-256(0x01 || left || right).  The root and size come from the signed bytes themselves
 * (projections/ledger/tree_heads.py's canonical encoding), so a check passes only if the
 * signature covers the root the proof leads to.  Written for canxie; no dependencies. */
(function () {
  "use strict";

  var LABEL = "canxie-tree-head-v1";

  function says() {
    var found = {};
    var list = document.getElementById("ledger-says");
    if (!list) return found;
    list.querySelectorAll("[data-say]").forEach(function (item) {
      found[item.getAttribute("data-say")] = item.textContent.trim();
    });
    return found;
  }

  function Unsupported() {}

  function fail(message) {
    throw new Error(message);
  }

  function hexBytes(text) {
    var hex = text.trim();
    if (!/^([0-9a-f]{2})+$/i.test(hex)) fail("not hexadecimal: " + hex.slice(0, 16));
    var bytes = new Uint8Array(hex.length / 2);
    for (var i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(2 * i, 2), 16);
    return bytes;
  }

  function hashOf(text) {
    var bytes = hexBytes(text);
    if (bytes.length !== 32) fail("a hash is not 32 bytes");
    return bytes;
  }

  function base64Bytes(text) {
    var raw = atob(text.trim());
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function hex(bytes) {
    return Array.prototype.map
      .call(bytes, function (b) { return b.toString(16).padStart(2, "0"); })
      .join("");
  }

  function same(a, b) {
    if (a.length !== b.length) return false;
    var diff = 0;
    for (var i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
    return diff === 0;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  }

  async function node(left, right) {
    var joined = new Uint8Array(65);
    joined[0] = 1;
    joined.set(left, 1);
    joined.set(right, 33);
    return sha256(joined);
  }

  function half(n) {
    return Math.floor(n / 2);
  }

  function odd(n) {
    return n % 2 === 1;
  }

  /* The walk both RFC 9162 verifications share (2.1.3.2 and 2.1.4.2): for each hash of the
   * path, whether it is a left sibling (hash it before) or a right one (after). */
  async function walk(fn, sn, path, sibling) {
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) fail("the proof is too long");
      if (odd(fn) || fn === sn) {
        await sibling(path[i], true);
        while (!odd(fn) && fn !== 0) { fn = half(fn); sn = half(sn); }
      } else {
        await sibling(path[i], false);
      }
      fn = half(fn);
      sn = half(sn);
    }
    if (sn !== 0) fail("the proof is too short");
  }

  /* RFC 9162 2.1.3.2: the root an audit path leads to from leaf `index` of `size`. */
  async function inclusionRoot(leaf, index, size, path) {
    if (!(index >= 0 && index < size)) fail("the leaf index lies outside the tree");
    var result = leaf;
    await walk(index, size - 1, path, async function (value, left) {
      result = left ? await node(value, result) : await node(result, value);
    });
    return result;
  }

  function powerOfTwo(n) {
    while (n > 1 && !odd(n)) n = half(n);
    return n === 1;
  }

  /* RFC 9162 2.1.4.2: whether the tree of `second` leaves extends the one of `first`. */
  async function consistent(first, second, firstRoot, secondRoot, proof) {
    if (first === second) return proof.length === 0 && same(firstRoot, secondRoot);
    if (!(first > 0 && first < second) || proof.length === 0) return false;
    var path = powerOfTwo(first) ? [firstRoot].concat(proof) : proof.slice();
    var fn = first - 1, sn = second - 1;
    while (odd(fn)) { fn = half(fn); sn = half(sn); }
    var fr = path[0], sr = path[0];
    try {
      await walk(fn, sn, path.slice(1), async function (value, left) {
        if (left) fr = await node(value, fr);
        sr = left ? await node(value, sr) : await node(sr, value);
      });
    } catch (error) {
      return false;
    }
    return same(fr, firstRoot) && same(sr, secondRoot);
  }

  function part(scope, name) {
    var found = scope.querySelector('[data-part="' + name + '"]');
    if (!found) fail("the page lacks " + name);
    return found.textContent;
  }

  /* The size and root a head's signed bytes state (the version 1 encoding, five lines). */
  function readHead(text) {
    var lines = text.split("\n");
    if (lines.length !== 6 || lines[0] !== LABEL || lines[5] !== "") fail("not a signed head");
    var size = /^size:(0|[1-9][0-9]*)$/.exec(lines[2]);
    var root = /^root:([0-9a-f]{64})$/.exec(lines[3]);
    if (!size || !root) fail("not a signed head");
    return { size: Number(size[1]), root: hashOf(root[1]) };
  }

  /* Whether a head's signature verifies under its public key, whose SHA-256 is its key id. */
  async function headChecks(scope, say) {
    var signed = part(scope, "signed");
    var key = base64Bytes(part(scope, "public-key"));
    var keyOk = hex(await sha256(key)) === part(scope, "key-id").trim();
    var publicKey;
    try {
      publicKey = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    } catch (error) {
      throw new Unsupported();
    }
    var signatureOk = await crypto.subtle.verify(
      { name: "Ed25519" },
      publicKey,
      base64Bytes(part(scope, "signature")),
      new TextEncoder().encode(signed)
    );
    var size = readHead(signed).size;
    return [
      [keyOk, (keyOk ? say["key-ok"] : say["key-bad"]).replace("{size}", size)],
      [signatureOk, (signatureOk ? say["signature-ok"] : say["signature-bad"]).replace("{size}", size)],
    ];
  }

  function hashes(scope, name) {
    var list = scope.querySelector('[data-part="' + name + '"]');
    return Array.prototype.map.call(list ? list.querySelectorAll("code") : [], function (c) {
      return hashOf(c.textContent);
    });
  }

  async function inclusionChecks(block, say) {
    var head = readHead(part(block, "signed"));
    var index = Number(part(block, "leaf-index"));
    var root = await inclusionRoot(hashOf(part(block, "leaf")), index, head.size, hashes(block, "path"));
    var ok = same(root, head.root);
    return [[ok, ok ? say["inclusion-ok"] : say["inclusion-bad"].replace("{root}", hex(root))]];
  }

  async function consistencyChecks(block, say) {
    var first = readHead(part(block.querySelector('[data-head="first"]'), "signed"));
    var second = readHead(part(block.querySelector('[data-head="second"]'), "signed"));
    var ok = await consistent(first.size, second.size, first.root, second.root, hashes(block, "proof"));
    return [[ok, ok ? say["consistency-ok"] : say["consistency-bad"]]];
  }

  async function checks(block, say) {
    var found = [];
    var heads = block.querySelectorAll("[data-head]");
    for (var i = 0; i < heads.length; i++) found = found.concat(await headChecks(heads[i], say));
    var kind = block.getAttribute("data-check");
    if (kind === "inclusion") found = found.concat(await inclusionChecks(block, say));
    if (kind === "consistency") found = found.concat(await consistencyChecks(block, say));
    return found;
  }

  function show(block, lines, passed, say) {
    var result = block.querySelector("[data-result]");
    var list = document.createElement("ul");
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = (line[0] ? "✔ " : "✘ ") + line[1];
      item.setAttribute("data-passed", line[0] ? "true" : "false");
      list.appendChild(item);
    });
    var verdict = document.createElement("p");
    verdict.className = "verdict";
    verdict.textContent = passed ? say["passed"] : say["failed"];
    result.replaceChildren(verdict, list);
    block.setAttribute("data-outcome", passed ? "passed" : "failed");
  }

  async function run(block, say) {
    var result = block.querySelector("[data-result]");
    result.textContent = say["running"];
    block.removeAttribute("data-outcome");
    if (!window.crypto || !crypto.subtle) {
      show(block, [[false, say["unsupported"]]], false, say);
      return;
    }
    try {
      var lines = await checks(block, say);
      show(block, lines, lines.every(function (l) { return l[0]; }), say);
    } catch (error) {
      var line = error instanceof Unsupported ? say["unsupported"] : say["malformed"] + " (" + error.message + ")";
      show(block, [[false, line]], false, say);
    }
  }

  function start() {
    var say = says();
    var notice = document.getElementById("needs-js");
    if (notice) notice.hidden = true;
    document.querySelectorAll("[data-check]").forEach(function (block) {
      var button = block.querySelector("button[data-verify]");
      if (!button || button.getAttribute("data-ready")) return;
      button.setAttribute("data-ready", "true");
      button.hidden = false;
      button.addEventListener("click", function () {
        run(block, say);
      });
    });
  }

  /* The verifications by themselves, for a check of this script against merkle.py. */
  window.canxieProofs = {
    leaf: async function (bytes) {
      var prefixed = new Uint8Array(bytes.length + 1);
      prefixed.set(bytes, 1);
      return hex(await sha256(prefixed));
    },
    inclusionRoot: async function (leaf, index, size, path) {
      return hex(await inclusionRoot(hashOf(leaf), index, size, path.map(hashOf)));
    },
    consistent: function (first, second, firstRoot, secondRoot, proof) {
      return consistent(first, second, hashOf(firstRoot), hashOf(secondRoot), proof.map(hashOf));
    },
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", start);
})();
