"""StreamField blocks for directives and other long texts."""

from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="标题文字", max_length=120)
    level = blocks.ChoiceBlock(
        label="级别", choices=[("h2", "一级标题"), ("h3", "二级标题")], default="h2"
    )

    class Meta:
        icon = "title"
        label = "小标题"
        template = "blocks/heading.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="引文")
    source = blocks.CharBlock(label="出处", required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "引文"
        template = "blocks/quote.html"


class BodyImageBlock(ImageBlock):
    """An image in a body, rendered responsive (templates/blocks/image.html)."""

    class Meta:
        icon = "image"
        label = "图片"
        template = "blocks/image.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label="段落", features=["bold", "italic", "ol", "ul", "link", "document-link"]
    )
    image = BodyImageBlock(label="图片")
    quote = QuoteBlock()
    table = TableBlock(label="表格", table_options={"language": "zh-CN"})

    class Meta:
        block_counts = {}
