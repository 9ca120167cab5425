// A source item quoted in a post: an atom block holding the item's id, link, title, source name and
// excerpt, shown as a card. Its HTML is the one apps/posts/document/body.py renders and reads back:
// <figure class="source-quote" data-item-id><blockquote cite><p>excerpt</p></blockquote>
// <figcaption><a href>title</a> · <cite>source</cite></figcaption></figure>. Pure: no DOM at load.
import { Node } from "@tiptap/core";

const text = (element, selector) => {
  const found = element.querySelector(selector);
  return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
};

export const SourceQuote = Node.create({
  name: "sourceQuote",
  group: "block",
  atom: true,
  selectable: true,
  draggable: true,
  addAttributes() {
    const plain = (read) => ({ default: "", parseHTML: read, renderHTML: () => ({}) });
    return {
      itemId: {
        default: null,
        parseHTML: (element) => {
          const value = Number.parseInt(element.getAttribute("data-item-id") || "", 10);
          return Number.isFinite(value) && value > 0 ? value : null;
        },
        renderHTML: () => ({}),
      },
      url: plain((element) => {
        const link = element.querySelector("figcaption a[href]");
        const quote = element.querySelector("blockquote[cite]");
        return (link && link.getAttribute("href")) || (quote && quote.getAttribute("cite")) || "";
      }),
      title: plain((element) => text(element, "figcaption a")),
      source: plain((element) => text(element, "figcaption cite")),
      excerpt: plain((element) => text(element, "blockquote")),
    };
  },
  parseHTML() {
    return [{ tag: "figure.source-quote" }];
  },
  renderHTML({ node }) {
    const { itemId, url, title, source, excerpt } = node.attrs;
    const caption = ["figcaption", {}, ["a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, title || url]];
    if (source) caption.push(" · ", ["cite", {}, source]);
    const figure = ["figure", { class: "source-quote", ...(itemId ? { "data-item-id": String(itemId) } : {}) }];
    if (excerpt) figure.push(["blockquote", { cite: url }, ["p", {}, excerpt]]);
    figure.push(caption);
    return figure;
  },
  renderText() {
    return "";
  },
  addCommands() {
    return {
      insertSourceQuote: (attrs) => ({ commands }) => commands.insertContent({ type: this.name, attrs }),
    };
  },
});
