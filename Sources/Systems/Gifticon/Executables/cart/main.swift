import Chassis
import Gifticon

Service.main(CartContext.self)
