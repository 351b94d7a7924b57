import { onCleanup, onMount, Show, type JSX } from 'solid-js';
import { IconButton } from './Button';
import { safePictureUrl } from './chat';

export interface PictureViewerProps {
  /** An object URL (blob:) the app made; anything else is not shown. */
  url: string;
  /** File name or caption; rendered as text. */
  name?: string;
  onClose: () => void;
}

/** A full-screen lightbox: Escape, the close button or a click outside the picture closes it. */
export function PictureViewer(props: PictureViewerProps): JSX.Element {
  let el!: HTMLDialogElement;
  onMount(() => {
    if (!el.open) el.showModal();
  });
  onCleanup(() => {
    if (el.open) el.close();
  });
  const closeIfOutside = (e: MouseEvent) => {
    const target = e.target as Element;
    if (!target.closest('.lc-lightbox__img, .lc-lightbox__name, .lc-lightbox__close')) props.onClose();
  };
  return (
    <dialog
      ref={el}
      class="lc-lightbox"
      aria-label={props.name ? `Picture: ${props.name}` : 'Picture'}
      data-testid="picture-viewer"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={closeIfOutside}
    >
      <IconButton icon="close" label="Close picture" class="lc-lightbox__close" onClick={() => props.onClose()} data-testid="picture-viewer-close" />
      <figure class="lc-lightbox__figure">
        <Show when={safePictureUrl(props.url)} fallback={<p class="lc-lightbox__name">This picture cannot be shown.</p>}>
          {(url) => <img class="lc-lightbox__img" src={url()} alt={props.name ?? 'Picture'} data-testid="picture-viewer-img" />}
        </Show>
        <Show when={props.name}>
          <figcaption class="lc-lightbox__name" data-testid="picture-viewer-name">
            {props.name}
          </figcaption>
        </Show>
      </figure>
    </dialog>
  );
}
