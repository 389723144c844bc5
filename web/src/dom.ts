// The page's elements by id (index.html holds every one the viewer uses).

export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
