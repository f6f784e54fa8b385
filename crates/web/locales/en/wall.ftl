# The wish wall: pages, the big screen, the wish-box poster
wall-newer = Newer wishes
wall-older = Older wishes
wall-page = Page { $page }
wall-screen-open = Show on the council hall's big screen
wall-screen-title = Wish wall screen
wall-screen-scan = Scan with your phone to take on a wish
poster-col = Wish-box poster
poster-print = Print
poster-link = Print the wish-box poster
poster-title = Wish box
poster-heading = Tell us your wish
poster-step-scan = Scan the code above with your phone and write down your wish.
poster-step-slip = No phone to hand? Write it on a slip and drop it in the wish box.
poster-step-wall = Once a social worker has read it, it goes on the smiley wall and a volunteer helps make it come true.
poster-privacy = The smiley wall never shows your name, room number or phone.
poster-print-hint = This is an A4 poster: print it with your browser's Print and put it up beside the wish box.
