// The post body's schema on the editor's side: every node and mark apps/posts/document/ knows. The
// editor and the Node test of the plain text (frontend/tests/document_text.mjs) both build it here.
import StarterKit from "@tiptap/starter-kit";
import Image from "@tiptap/extension-image";
import { TableKit } from "@tiptap/extension-table";
import { SourceQuote } from "./source_quote.js";

// An image comes in only with a description: a pasted or dropped <img> without alt text is left out
// (the editor's own image dialog asks for one).
export const DescribedImage = Image.extend({
  parseHTML() {
    return [{
      tag: 'img[src][alt]:not([src^="data:"])',
      getAttrs: (element) => (element.getAttribute("alt").trim() ? null : false),
    }];
  },
}).configure({ inline: false, allowBase64: false });

export function bodyExtensions(starterKit = {}) {
  return [
    StarterKit.configure({ link: { openOnClick: false }, ...starterKit }),
    DescribedImage,
    TableKit.configure({ table: { resizable: false } }),
    SourceQuote,
  ];
}
