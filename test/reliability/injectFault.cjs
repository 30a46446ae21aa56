// Preload for the fault tests (NODE_OPTIONS="--require <this file>", or required first thing in a worker): makes the
// process fail the way a bug would, with no hook in the product. With REGISTRY_GUARD_FAULT_MARKER set:
// - String.prototype.indexOf throws on a string that starts with the marker: one scalar value a test writes (a
//   message, a condition key), never a whole file;
// - RegExp.prototype.exec (and so RegExp#test) throws on any string that contains the marker: a document text that
//   holds it, wherever code runs a regular expression over that document.
// Code that looks into such a value or text hits an unexpected exception wherever that happens to be, inside the
// engine or in the server around it.
'use strict';
const marker = process.env.REGISTRY_GUARD_FAULT_MARKER;
if (marker && !String.prototype.indexOf.faultInjected) {
  const indexOf = String.prototype.indexOf;
  const exec = RegExp.prototype.exec;
  const startsWithMarker = (text) => typeof text === 'string' && text.length > marker.length && text.startsWith(marker);
  const holdsMarker = (text) => typeof text === 'string' && text.length > marker.length && indexOf.call(text, marker) >= 0;
  String.prototype.indexOf = function faultyIndexOf(...args) {
    if (startsWithMarker(String(this))) throw new Error(`injected fault: indexOf on a value starting with ${marker}`);
    return indexOf.apply(this, args);
  };
  String.prototype.indexOf.faultInjected = true;
  RegExp.prototype.exec = function faultyExec(text) {
    if (holdsMarker(text)) throw new Error(`injected fault: RegExp#exec on a text holding ${marker}`);
    return exec.call(this, text);
  };
}
